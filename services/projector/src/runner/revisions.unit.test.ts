import type { AnyView } from '../views/types';
import { VIEWS } from '../views';
import { revisedViews, viewRevisions } from './projector';

// A view whose fold changed is rebuilt at start-up, not left holding documents of two forms.
describe('revisedViews: which views a live version folded with another revision', () => {
  const view = (name: string, revision?: number) => ({ name, revision }) as unknown as AnyView;

  it('a build made before revisions were recorded counts every view at 1', () => {
    expect(revisedViews({}, [view('a'), view('b', 1), view('c', 2)])).toEqual(['c']);
    expect(revisedViews(null, [view('a')])).toEqual([]);
  });

  it('a build with the code revisions is current; one with an older revision is not', () => {
    const views = [view('a'), view('b', 3)];
    expect(revisedViews({ revisions: viewRevisions(views) }, views)).toEqual([]);
    expect(revisedViews({ revisions: { a: 1, b: 2 } }, views)).toEqual(['b']);
  });

  it("the audit's revision is past 1: an upgraded deployment's audit is rebuilt with linkDiffering", () => {
    expect(viewRevisions(VIEWS).sync_audit).toBeGreaterThan(1);
    expect(revisedViews({}, VIEWS)).toContain('sync_audit');
  });
});
