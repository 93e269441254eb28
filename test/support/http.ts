/**
 * Response bodies in tests are checked field by field with expect(), so they are read as `any`
 * here once instead of casting in every test.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function readJson(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}
