/** Access roles, weakest first: each role may do what the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `required` may (viewer < operator < admin). `anonymous` (no tokens configured) may do everything. */
export function roleAllows(role: string, required: Role): boolean {
  if (role === 'anonymous') return true;
  const have = ROLES.indexOf(role as Role);
  return have >= 0 && have >= ROLES.indexOf(required);
}
