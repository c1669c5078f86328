import { cutSecrets, registerSecret } from '../../secrets/secrets.js';

/** Variables every program gets, as sudo passes them on: what it needs to find its tools and its home, nothing that is a secret. */
export const SAFE_VARIABLES = ['HOME', 'LOGNAME', 'USER', 'PATH', 'SHELL', 'TERM', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'] as const;

/**
 * Variables an agent program needs to reach its model, passed on unless the entry says
 * `pass_model_env: false`: the vendors' base URLs (a local server, a gateway), the proxy settings
 * in both spellings programs read, and where the certificates of a private authority are. Claude
 * Code and Codex read these; without them a program behind a proxy or pointed at a local server
 * retries the public API until its timeout. None of them is a key: keys stay behind `env:`.
 */
export const MODEL_VARIABLES = [
  'ANTHROPIC_BASE_URL',
  'OPENAI_BASE_URL',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
] as const;

/** What decides a program's environment besides the call itself. */
export interface EnvironmentSources {
  /** lemming's own environment. */
  own: Readonly<Record<string, string | undefined>>;
  /** The variables the entry's `env:` names, with their values (each a secret of the org). */
  named: ReadonlyMap<string, string>;
  /** org.yaml `pass_model_env` (default true). */
  passModelEnv: boolean;
}

/**
 * The environment a program starts with, before the call's `LEMMING_*` variables: the safe few,
 * the model variables (unless turned off), then what `env:` names. A model variable whose value
 * holds a secret of the org (a key pasted into a URL) stays out unless `env:` names it, as a key
 * does; a proxy URL's password is made a secret, so it is cut from whatever the program prints.
 */
export function programEnvironment(sources: EnvironmentSources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of SAFE_VARIABLES) {
    const value = sources.own[name];
    // A value starting "()" is a shell function exported by bash: code, not a setting.
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  if (sources.passModelEnv) {
    for (const name of MODEL_VARIABLES) {
      const value = sources.own[name];
      if (value === undefined || value === '' || value.startsWith('()')) continue;
      const password = passwordIn(value);
      const rest = password === undefined ? value : withoutPassword(value);
      if (cutSecrets(rest) !== rest) continue;
      registerSecret(name, password);
      env[name] = value;
    }
  }
  for (const [name, value] of sources.named) env[name] = value;
  return env;
}

/** The password of a URL like `http://user:password@proxy:3128`, if it has one. */
function passwordIn(value: string): string | undefined {
  try {
    const password = new URL(value).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

/** The URL with its password left out, to see whether anything else in it is a secret. */
function withoutPassword(value: string): string {
  const url = new URL(value);
  url.password = '';
  return url.toString();
}
