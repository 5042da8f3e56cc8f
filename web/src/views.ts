import type { ViewEntry } from './router.js';
import type { ViewContext } from './view-context.js';

/**
 * The dashboard's views, in the order of the nav: `#/<id>`. A view is a module exporting a mount
 * function (section, context) -> View, loaded the first time the view is shown. To add one (for
 * example `#/health`), write its module and add a line here:
 *   { id: 'health', title: 'Health', mount: async (section, context) => (await import('./health-view.js')).mountHealth(section, context) },
 */
export const VIEWS: readonly ViewEntry<ViewContext>[] = [
  { id: 'live', title: 'Live', mount: (_section, context) => context.live },
  { id: 'history', title: 'History', mount: async (section, context) => (await import('./history-view.js')).mountHistory(section, context) },
  { id: 'search', title: 'Search', mount: async (section, context) => (await import('./search-view.js')).mountSearch(section, context) },
  { id: 'people', title: 'People', mount: async (section, context) => (await import('./people-view.js')).mountPeople(section, context) },
];
