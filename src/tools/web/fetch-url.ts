import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { WebSettings } from '../../org/schema.js';
import { cutSecrets } from '../../secrets/secrets.js';
import { formatCount } from '../../format/format.js';
import { capResult, toolError, type ToolResult } from '../tool-result.js';
import { addressKind } from './address-kind.js';
import { allowedBy, type AllowMatch } from './allow-list.js';
import { MAX_HTML_CHARS, MAX_HTML_DEPTH } from './html-bounds.js';
import { convertPage, type Conversion } from './page-text-threads.js';

/** How a host name becomes addresses: the system's resolver, or a test's. */
export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses: LookupAddress[]) => (error ? reject(error) : resolve(addresses.map((entry) => entry.address)))));

const MAX_REDIRECTS = 5;

/** The statuses a redirect is followed on (with a Location header), as fetch follows them: 300 and 304 are answers, not redirects. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Why a 3xx that was not followed gave no page, said in the result; undefined for any other status. */
function notFollowed(fetched: Fetched): string | undefined {
  if (fetched.status < 300 || fetched.status >= 400) return undefined;
  if (REDIRECT_STATUSES.has(fetched.status)) return 'a redirect with no Location header, so it says not where to; no page came back';
  return `${fetched.status} is not a redirect fetch_url follows: only 301, 302, 303, 307 and 308 with a Location header are; no page came back`;
}

/** A refusal or failure, said to the model as the reason. */
class Refused extends Error {}

/** May `address` be reached for a URL `match` allowed? A private or loopback one only when the entry names an address. */
function checkAddress(address: string, match: AllowMatch, url: URL): void {
  const kind = addressKind(address);
  if (kind === 'public' || match.namesAddress) return;
  throw new Refused(`${url.host} is at ${address}, a ${kind} address; an address like that is fetched only when web.allow names it (for example "${isIP(address) === 6 ? `[${address}]` : address}${url.port ? `:${url.port}` : ''}")`);
}

/** Check a URL against the scheme rule and the allow-list, before anything is sent. */
function admit(url: URL, allow: readonly string[]): AllowMatch {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Refused(`${url.protocol.replace(/:$/, '')}: URLs are not fetched; only http and https`);
  if (url.username !== '' || url.password !== '') throw new Refused('URLs with a user name or password are not fetched');
  const match = allowedBy(url, allow);
  if (!match) {
    const listed = allow.length === 0 ? 'nothing is allowed: org.yaml web.allow is empty' : `allowed: ${allow.join(', ')}`;
    throw new Refused(`${url.host} is not on the list of hosts this agent may fetch (${listed})`);
  }
  return match;
}

interface Fetched {
  status: number;
  statusText: string;
  type: string;
  body: Buffer;
  total: number;
  cut: boolean;
  location?: string;
}

/** One GET, connecting only to addresses `checkAddress` lets through (the check is made on the very addresses connected to). */
function get(url: URL, match: AllowMatch, settings: WebSettings, resolve: Resolve, deadline: AbortSignal): Promise<Fetched> {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        for (const address of addresses) checkAddress(address, match, url);
        const first = addresses[0];
        if (first === undefined) throw new Refused(`${hostname} has no address`);
        if (options.all) callback(null, addresses.map((address) => ({ address, family: isIP(address) })));
        else callback(null, first, isIP(first));
      })
      .catch((error: Error) => callback(error as NodeJS.ErrnoException, '', 4));
  };
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal) !== 0) checkAddress(literal, match, url);
  return new Promise<Fetched>((done, fail) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', lookup, signal: deadline, headers: { 'user-agent': 'lemming fetch_url', accept: 'text/html, text/plain, application/json, */*;q=0.5' } }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let total = 0;
      let cut = false;
      const finish = (): void =>
        done({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          type: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
          total,
          cut,
          ...(typeof response.headers.location === 'string' ? { location: response.headers.location } : {}),
        });
      response.on('data', (chunk: Buffer) => {
        total += chunk.length;
        const room = settings.max_bytes - kept;
        if (room > 0) {
          chunks.push(chunk.length <= room ? chunk : chunk.subarray(0, room));
          kept += Math.min(room, chunk.length);
        }
        if (total > settings.max_bytes) {
          cut = true;
          response.destroy();
          finish();
        }
      });
      response.on('end', finish);
      response.on('error', (error) => (cut ? undefined : fail(error)));
    });
    request.on('error', fail);
    request.end();
  });
}

/** How a page's HTML becomes text: on the process's threads, or a test's. */
export type ConvertPage = (html: string, signal: AbortSignal) => Promise<Conversion>;

/** A body read as text, or what stands in for it. */
type BodyText = { text: string; notes: string[] } | { shown: string } | { failure: string };

/**
 * The body as text: HTML through html-to-text in a thread of its own (page-text-threads.ts), within
 * what is left of web.timeout_ms; text as it is; anything else is described, not shown.
 */
async function bodyText(fetched: Fetched, deadline: AbortSignal, timeoutMs: number, convert: ConvertPage): Promise<BodyText> {
  const type = fetched.type.toLowerCase();
  const charset = /charset=([^;]+)/.exec(type)?.[1]?.trim();
  const text = fetched.body.toString(charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8');
  if (type.includes('html') || (type === '' && /^\s*<(!doctype html|html)/i.test(text))) {
    const conversion = await convert(text, deadline);
    if (conversion.kind === 'stopped') return { failure: `turning its HTML into text took longer than the rest of ${timeoutMs / 1000} s (web.timeout_ms); the conversion was stopped` };
    if (conversion.kind === 'failed') return { failure: `its HTML could not be turned into text (${conversion.reason})` };
    const notes: string[] = [];
    if (conversion.cutChars > 0) notes.push(`only the first ${formatCount(MAX_HTML_CHARS)} characters of its HTML were turned into text (${formatCount(conversion.cutChars)} left out)`);
    if (conversion.flattened > 0) notes.push(`${formatCount(conversion.flattened)} elements nested deeper than ${MAX_HTML_DEPTH} levels were flattened (their text kept)`);
    return { text: conversion.text, notes };
  }
  if (type === '' || type.startsWith('text/') || /json|xml|javascript|yaml|csv/.test(type)) return { text, notes: [] };
  return { shown: `(a ${fetched.type} file is not shown as text)` };
}

/**
 * `fetch_url`: GET a URL the allow-list names, following redirects (REDIRECT_STATUSES) only to URLs it also names,
 * reaching a private or loopback address only when it is named as one, within web.max_bytes and
 * web.timeout_ms (the download and the page's conversion to text, which runs off the engine's
 * thread, bounded in size and depth: html-bounds.ts). Every refusal is a result with its reason; the page's text comes back with the
 * org's secrets cut, as any tool result's.
 */
export async function fetchUrl(given: unknown, settings: WebSettings, allow: readonly string[], resolve: Resolve = systemResolve, convert: ConvertPage = convertPage): Promise<ToolResult> {
  if (typeof given !== 'string' || given.trim() === '') return toolError('fetch_url: give the full URL as "url", like {"url": "https://docs.python.org/3/"}');
  let url: URL;
  try {
    url = new URL(given.trim());
  } catch {
    return toolError(`fetch_url: ${JSON.stringify(given.slice(0, 200))} is not a URL; give it whole, with http:// or https://`);
  }
  const deadline = AbortSignal.timeout(settings.timeout_ms);
  const hops: string[] = [];
  try {
    for (let hop = 0; ; hop += 1) {
      const match = admit(url, allow);
      const fetched = await get(url, match, settings, resolve, deadline);
      if (REDIRECT_STATUSES.has(fetched.status) && fetched.location !== undefined) {
        if (hop >= MAX_REDIRECTS) throw new Refused(`more than ${MAX_REDIRECTS} redirects`);
        hops.push(`${url.href} redirected (${fetched.status}) to ${new URL(fetched.location, url).href}`);
        url = new URL(fetched.location, url);
        continue;
      }
      const text = await bodyText(fetched, deadline, settings.timeout_ms, convert);
      const size = fetched.cut ? `more than ${formatCount(settings.max_bytes)} bytes; the first ${formatCount(settings.max_bytes)} were read (web.max_bytes)` : `${formatCount(fetched.total)} bytes`;
      const got = `GET ${url.href}: ${fetched.status} ${fetched.statusText} (${fetched.type || 'no content type'}, ${size})`;
      if ('failure' in text) return toolError(`fetch_url: ${[...hops, got].join('\n')}; ${text.failure}`);
      // A page is a 2xx answer: a 3xx not followed (notFollowed) and a 4xx or 5xx are errors, their bodies shown.
      const unfollowed = notFollowed(fetched);
      const notes = [...(unfollowed === undefined ? [] : [unfollowed]), ...('notes' in text ? text.notes : [])];
      const head = [...hops, got, ...notes.map((note) => `(${note})`)].join('\n');
      const body = 'text' in text ? cutSecrets(text.text) : text.shown;
      return capResult({ content: `${head}\n\n${body}`, isError: fetched.status >= 300 });
    }
  } catch (error) {
    const via = hops.length > 0 ? ` (after ${hops.join('; ')})` : '';
    if (error instanceof Refused) return toolError(`fetch_url: refused: ${error.message}${via}`);
    if (deadline.aborted) return toolError(`fetch_url: ${url.href} took longer than ${settings.timeout_ms / 1000} s (web.timeout_ms)${via}`);
    const cause = error instanceof Refused ? error.message : (error as Error).message;
    return toolError(`fetch_url: ${url.href} could not be fetched: ${cutSecrets(cause)}${via}`);
  }
}
