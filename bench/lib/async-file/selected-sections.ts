/** The sections of the `async-file` group, in the order they run, and the choice of them through the environment. */

export const SECTIONS = ['files', 'unnamed', 'reads', 'cancel', 'channels'] as const;
export type Section = (typeof SECTIONS)[number];
/** Share of the timing span each section may use (of those selected). */
export const SECTION_WEIGHTS: Record<Section, number> = {
  files: 0.35,
  unnamed: 0.15,
  reads: 0.4,
  cancel: 0.1,
  channels: 0.1,
};
/** Environment variable selecting sections (comma-separated; default all): for profiling one part. */
const ENV_SECTIONS = 'ASYNC_FILE_SECTIONS';

/**
 * The sections named in `ASYNC_FILE_SECTIONS` (all when it is unset or blank), in run order.
 *
 * @throws Error if it names an unknown section.
 */
export function selectedSections(): Section[] {
  const value = process.env[ENV_SECTIONS];
  if (value === undefined || value.trim() === '') return [...SECTIONS];
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`${ENV_SECTIONS}: unknown section(s) ${unknown.join(', ')}`);
  return SECTIONS.filter((section) => names.includes(section));
}
