import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/** The real data the package ships, for calibration and network comparison (docs/validation.md). */
export interface ShippedData {
  /** Three questions of the General Social Survey 2018 with real answers by sex and education: `calibrate`'s reference. */
  gss2018: string;
  /** The people of the GSS sample's panel as a population spec: `populate`'s. */
  gss2018People: string;
  /** SNAP's email-Eu-core network: `analyzeReference`'s edge list and its department labels. */
  emailEuCore: { edges: string; labels: string };
}

/** Where the installed package keeps its shipped data (absolute paths). */
export function shippedData(): ShippedData {
  const data = join(packageRoot(), 'data');
  return {
    gss2018: join(data, 'gss-2018', 'reference.yaml'),
    gss2018People: join(data, 'gss-2018', 'people.yaml'),
    emailEuCore: { edges: join(data, 'email-eu-core', 'email-Eu-core.txt'), labels: join(data, 'email-eu-core', 'email-Eu-core-department-labels.txt') },
  };
}
