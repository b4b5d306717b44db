// Loaded with `node --import tsx --import <this file>`: makes `import ... from 'electron'` resolve to the stand-in
// (electron.ts), for the main bundle and everything it imports. A resolve hook, inlined as a data: URL so that no
// plain-JS file is needed next to the TypeScript.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const standIn = pathToFileURL(new URL('./electron.ts', import.meta.url).pathname).href;

const hook = `
export async function resolve(specifier, context, next) {
  // Resolved by the next hooks (tsx's), which know how to load TypeScript.
  if (specifier === 'electron' || specifier === 'electron/main') return next(${JSON.stringify(standIn)}, context);
  return next(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hook)}`);
