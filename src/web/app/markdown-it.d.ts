/*
 * The types of markdown-it's browser build, which the build copies beside the app as
 * markdown-it.js (scripts/build.mjs, VENDORED): the package's own types.
 */
import markdownit from 'markdown-it';

export default markdownit;
