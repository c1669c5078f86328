/**
 * The engine's routing of mail (org/routing.yaml), as one module the engine imports only for an org
 * that has rules or mail awaiting an answer (see routing-entry.ts): most orgs never load it.
 */
export { escalationInForce, planRouting, type PlannedRouting } from './plan-routing.js';
export { routeTurn, type RoutedTurn } from './route-turn.js';
export { routedHintChanges, withRoutedFiles, withRouting } from './commit-routing.js';
