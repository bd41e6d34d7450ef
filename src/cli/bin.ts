#!/usr/bin/env node
import { main } from './main.js';

/** The oldest Node that runs everything (libp2p 3 and the gradient loader need 22.15). */
const MIN_NODE: [number, number] = [22, 15];

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
  console.error(
    `UnsupportedNodeError: fedmetanas needs Node >= ${MIN_NODE.join('.')}, found ${process.versions.node}. ` +
      'Run it through npm (`npm start`, `npx fedmetanas ...`), which uses the Node 22 that `npm install` ' +
      'brings as the devDependency `node`, or install Node 22 or later.',
  );
  process.exitCode = 1;
} else {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
