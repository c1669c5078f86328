/**
 * The largest seed an experiment, a blame or a calibration takes (`seed:` in an experiment file,
 * `--seed` on the command line): each draws further seeds from it by adding to it, and every one of
 * them must stay a 32-bit seed a provider takes. Imports nothing: the CLI's option parser reads it.
 */
export const MAX_SEED = 2 ** 31 - 1000;
