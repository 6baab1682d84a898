// Shared setup for the jsdom component tests.
import { configure } from '@testing-library/react';

// findBy… and waitFor give up after this long: the default 1 s is too short when the test files run in parallel
// on a busy two-core machine (a saved-model button took longer than that to appear under load).
configure({ asyncUtilTimeout: 5000 });
