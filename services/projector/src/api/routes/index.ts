import type { RouteDef } from '../route';
import auditSearch from './auditSearch';
import auditExport from './auditExport';
import auditGet from './auditGet';
import entitiesSearch from './entitiesSearch';
import entitiesGet from './entitiesGet';
import entitiesLineage from './entitiesLineage';
import conflictsList from './conflictsList';
import conflictsResolve from './conflictsResolve';
import deadLettersList from './deadLettersList';
import deadLettersRedriveMany from './deadLettersRedriveMany';
import deadLettersRedrive from './deadLettersRedrive';
import pendingList from './pendingList';
import counters from './counters';
import summary from './summary';
import importsSummary from './importsSummary';
import lag from './lag';
import freshness from './freshness';
import viewsStatus from './viewsStatus';
import viewsRebuild from './viewsRebuild';
import { pauseRoute, pausesList, resumeRoute } from './pauses';

/** Order matters where paths overlap: /api/audit/export before /api/audit/:outcomeId. */
export const ROUTES: RouteDef[] = [
  auditSearch,
  auditExport,
  auditGet,
  entitiesSearch,
  entitiesLineage,
  entitiesGet,
  conflictsList,
  conflictsResolve,
  deadLettersList,
  deadLettersRedriveMany,
  deadLettersRedrive,
  pendingList,
  counters,
  summary,
  importsSummary,
  lag,
  freshness,
  viewsStatus,
  viewsRebuild,
  pauseRoute,
  resumeRoute,
  pausesList,
];
