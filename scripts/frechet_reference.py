"""Reference values for tests/unit/core/frechet.test.ts: the Fréchet distance of two seeded feature sets computed
the way pytorch-fid does (numpy moments, scipy.linalg.sqrtm of S1·S2), independently of src/core/frechet.ts.

The sets are made from mulberry32 (src/core/random.ts), reproduced exactly here, so the test rebuilds them
bit for bit: a[i][j] = u − 0.5 + 0.3·a[i][j−1], b[i][j] = 1.3·(u − 0.5) + 0.6·b[i][j−1] + 0.05·j/dim.
Run: python3 scripts/frechet_reference.py
"""
import numpy as np
from scipy import linalg

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def mulberry32(seed):
    state = [seed & M32]

    def rand():
        state[0] = (state[0] + 0x6D2B79F5) & M32
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return rand


def feature_set(seed, count, dim, gain, carry, drift):
    r = mulberry32(seed)
    out = np.zeros((count, dim))
    for i in range(count):
        prev = 0.0
        for j in range(dim):
            prev = gain * (r() - 0.5) + carry * prev + drift * j / dim
            out[i, j] = prev
    return out


def fd(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = np.real(linalg.sqrtm(s1.dot(s2)))
    mean_term = float(((mu1 - mu2) ** 2).sum())
    cov_term = float(np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
    return mean_term + cov_term, mean_term, cov_term


for dim, count in [(4, 50), (128, 300)]:
    a = feature_set(11, count, dim, 1.0, 0.3, 0.0)
    b = feature_set(12, count, dim, 1.3, 0.6, 0.05)
    d, m, c = fd(a, b)
    print(f"dim {dim}, count {count}: FD {d!r}, mean term {m!r}, covariance term {c!r}")
