import type { Command } from 'commander';
import { topicName, type Admin } from '@siaghsync/shared/kafka/index';
import type { Run } from './program';
import { CliError, EXIT } from './errors';
import { formatTime, parseTime, table } from './format';

export interface ReplayPlan {
  group: string;
  topic: string;
  from: number;
  partitions: { partition: number; before: number | null; after: number; end: number; toReprocess: number }[];
}

/** Only a group nobody is in can have its offsets moved; Kafka refuses otherwise, we explain first. */
export function assertInactive(group: string, state: string, members: number): void {
  if (members > 0 || !['Empty', 'Dead', ''].includes(state)) {
    throw new CliError(
      EXIT.failed,
      `consumer group ${group} is active (state ${state}, ${members} member${members === 1 ? '' : 's'}): offsets can only be moved while no syncer runs`,
      'stop every syncer instance (Ctrl-C npm start, or scale the syncer to 0), run replay, then start them again',
    );
  }
}

/** The offsets for `from` (the first record at or after it; the end when there is none), applied unless dryRun. */
export async function replay(
  admin: Admin,
  opts: { group: string; topic: string; from: number; dryRun: boolean },
): Promise<ReplayPlan> {
  const { groups } = await admin.describeGroups([opts.group]);
  const g = groups[0];
  assertInactive(opts.group, g?.state ?? 'Dead', g?.members.length ?? 0);
  const ends = new Map((await admin.fetchTopicOffsets(opts.topic)).map((o) => [o.partition, Number(o.high)]));
  const byTime = await admin.fetchTopicOffsetsByTimestamp(opts.topic, opts.from);
  const committed =
    (await admin.fetchOffsets({ groupId: opts.group, topics: [opts.topic] }))[0]?.partitions ?? [];
  const partitions = byTime
    .map(({ partition, offset }) => {
      const end = ends.get(partition) ?? 0;
      const after = Number(offset) < 0 ? end : Number(offset);
      const b = Number(committed.find((c) => c.partition === partition)?.offset ?? -1);
      return { partition, before: b < 0 ? null : b, after, end, toReprocess: end - after };
    })
    .sort((a, b) => a.partition - b.partition);
  if (!opts.dryRun) {
    await admin.setOffsets({
      groupId: opts.group,
      topic: opts.topic,
      partitions: partitions.map((p) => ({ partition: p.partition, offset: String(p.after) })),
    });
  }
  return { group: opts.group, topic: opts.topic, from: opts.from, partitions };
}

export function formatReplay(p: ReplayPlan, dryRun: boolean): string {
  const total = p.partitions.reduce((s, x) => s + x.toReprocess, 0);
  return [
    `${dryRun ? 'would move' : 'moved'} ${p.group} on ${p.topic} to ${formatTime(p.from)}`,
    table(
      ['partition', 'committed before', 'new offset', 'end', 'to reprocess'],
      p.partitions.map((x) => [x.partition, x.before, x.after, x.end, x.toReprocess]),
    ),
    `${total} events will be processed again when the syncers start${dryRun ? ' (dry run: nothing changed)' : ''}`,
  ].join('\n');
}

export function registerReplay(program: Command, run: Run): void {
  program
    .command('replay')
    .description(
      "move the syncer group's offsets on the work topic back to a time (refused while a syncer runs)",
    )
    .requiredOption('--from <time>', 'ISO 8601 with zone, epoch ms, or a duration ago (15m, 2h, 1d)')
    .option('--group <id>', 'consumer group (default SYNCER_GROUP_ID)')
    .option('--dry-run', 'show the new offsets without setting them')
    .action((o: { from: string; group?: string; dryRun?: boolean }) =>
      run(async (ctx) => {
        let from: number;
        try {
          from = parseTime(o.from);
        } catch (err) {
          throw new CliError(EXIT.usage, (err as Error).message);
        }
        if (from > Date.now()) throw new CliError(EXIT.usage, `--from ${o.from} is in the future`);
        const cfg = ctx.cfg();
        const plan = await replay(await ctx.admin(), {
          group: o.group ?? cfg.SYNCER_GROUP_ID,
          topic: topicName('work', cfg.TOPIC_PREFIX),
          from,
          dryRun: Boolean(o.dryRun),
        });
        ctx.out.result({ ...plan, dryRun: Boolean(o.dryRun) }, () => formatReplay(plan, Boolean(o.dryRun)));
        return EXIT.ok;
      }),
    );
}
