/**
 * The interval of a difference of two independent estimates made from each one's own interval: each
 * end of the difference moves from it by the root of the sum of squares of how far the sides' own
 * ends lie from their estimates, the end of each side that moves the difference that way (Zou and
 * Donner's method of variance estimates recovery, MOVER, 2008). With two Wilson intervals it is
 * Newcombe's hybrid score interval of a difference of proportions; with one side's Wilson interval and
 * the other's t interval it is what a side whose units are all alike needs, where Welch's t would take
 * that side as known. Pure.
 */

/** An estimate with its own interval. */
export interface Estimated {
  estimate: number;
  interval: readonly [number, number];
}

/** The interval of `treatment.estimate − control.estimate` from each side's own interval; NaN ends where a side's are. */
export function differenceOfIntervals(treatment: Estimated, control: Estimated): [number, number] {
  const difference = treatment.estimate - control.estimate;
  const [treatmentLow, treatmentHigh] = treatment.interval;
  const [controlLow, controlHigh] = control.interval;
  return [
    difference - Math.sqrt((treatment.estimate - treatmentLow) ** 2 + (controlHigh - control.estimate) ** 2),
    difference + Math.sqrt((treatmentHigh - treatment.estimate) ** 2 + (control.estimate - controlLow) ** 2),
  ];
}
