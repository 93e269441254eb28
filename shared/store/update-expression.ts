/**
 * Builds a DynamoDB UpdateExpression from plain "set these, remove those" maps, with every
 * attribute name behind a placeholder (many of ours, such as name, status, schedule and timezone,
 * are DynamoDB reserved words). Callers add their own condition names and values.
 */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

export function buildUpdate(
  set: Record<string, unknown>,
  remove: readonly string[] = [],
  condition: { names?: Record<string, string>; values?: Record<string, unknown> } = {},
): UpdateParts {
  const names: Record<string, string> = { ...condition.names };
  const values: Record<string, unknown> = { ...condition.values };
  const assignments = Object.entries(set).map(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    return `#s${i} = :s${i}`;
  });
  const removals = remove.map((k, i) => {
    names[`#r${i}`] = k;
    return `#r${i}`;
  });
  const parts = [assignments.length ? `SET ${assignments.join(', ')}` : '', removals.length ? `REMOVE ${removals.join(', ')}` : ''];
  return { UpdateExpression: parts.filter(Boolean).join(' '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
