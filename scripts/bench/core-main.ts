// The core cases in a fresh Node process (as numpy runs in its own): after the browser cases the bench's own
// process carries a large heap and open handles, which slowed the same code about twofold through GC pauses.
// Reads the numpy times (JSON) on stdin, prints the cases (JSON) on stdout.
import { readFileSync } from 'node:fs';
import { coreCases } from './core';
import type { NativeTimes } from './native';

const native = JSON.parse(readFileSync(0, 'utf8') || 'null') as NativeTimes;
process.stdout.write(JSON.stringify(coreCases(native, process.argv.includes('--quick'))));
