// What tfjs-core leaves to its importer (the umbrella @tensorflow/tfjs package did it on import): the gradients of
// the ops, which training, the gradient cosines and tf.train's optimizers need, and the chained tensor methods
// (t.reshape(…), t.mean(…)) the models call. Both register globally, once, whoever imports them. The backends
// register where tfjs starts: backend.ts in the app, the tests' and scripts' own set-up elsewhere.
//
// The app's bundle and Vitest import this module. In Node, tfjs-core itself resolves to its CommonJS bundle and
// these files (ES modules) are a second copy of the ops they use; that works because tfjs keeps its engine, its
// registries and the Tensor class global. tsx cannot load them as ES modules (they import directories and
// extensionless paths), so the scripts require this module instead: see scripts/tfjs-registrations.ts.
// tfjs-core first: registering a gradient twice (tfjs-core's list has four twice) reads the DEBUG flag, which
// tfjs-core's index registers. Imported alone, this module could run before it and fail; the import makes it wait.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
