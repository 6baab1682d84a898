// src/models/tfjsRegistrations.ts (tfjs-core's gradients and chained tensor methods) for the scripts, run with tsx.
// Imported as ES modules, its tfjs-core files fail to load (they import directories and extensionless paths);
// required, tsx compiles them to CommonJS, whose resolution handles both. Import it before any model code runs.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('../src/models/tfjsRegistrations.ts');
