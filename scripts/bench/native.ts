// The native reference: the same core computations in numpy, timed in the same run, when python3 with numpy
// is present. Returns median milliseconds per case (null when numpy is unavailable).
import { spawnSync } from 'node:child_process';

const SCRIPT = String.raw`
import json, time, sys
import numpy as np
rng = np.random.default_rng(0)
out = {}
def timeit(f, reps=15):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    return float(np.median(ts))
for n in (128, 256, 512):
    v = rng.random((n, n, 3), dtype=np.float32)
    def topbits():
        u = np.clip(np.rint(v * 255), 0, 255).astype(np.uint8)
        return ((u & 0xF0).astype(np.float32) + 7.5) / 255
    out[f'keepTopBits@{n}'] = timeit(topbits)
    def analyze():
        # The same work as core analyzeBitplanes: 8 top-k reconstructions with their PSNR, and plane counts.
        u = np.clip(np.rint(v * 255), 0, 255).astype(np.uint8)
        res = []
        for k in range(1, 9):
            drop = 8 - k
            rec = (((u >> drop) << drop).astype(np.float32) + (2 ** drop - 1) / 2) / 255
            res.append((10 * np.log10(1 / max(float(((rec - v) ** 2).mean()), 1e-30)), ((u >> drop) & 1).mean()))
        return res
    out[f'analyzeBitplanes@{n}'] = timeit(analyze)
# RQ k-means, 256² image, 4×4 patches (4096 vectors of 48), K = 256, depth 8, 10 Lloyd iterations per depth on
# the residuals; seeds are K random rows (no k-means++), distances by the ‖x‖² − 2x·c + ‖c‖² expansion.
X256 = rng.random((256, 256, 3)).reshape(64, 4, 64, 4, 3).transpose(0, 2, 1, 3, 4).reshape(4096, 48)
def rq():
    r = X256.copy()
    K, N = 256, r.shape[0]
    rows = np.arange(N)
    for d in range(8):
        C = r[rng.choice(N, K, replace=False)].copy()
        for it in range(10):
            dist = (r * r).sum(1)[:, None] - 2 * r @ C.T + (C * C).sum(1)[None, :]
            lab = dist.argmin(1)
            M = np.zeros((K, N)); M[lab, rows] = 1
            cnt = M.sum(1)
            nz = cnt > 0
            C[nz] = (M @ r)[nz] / cnt[nz, None]
        dist = (r * r).sum(1)[:, None] - 2 * r @ C.T + (C * C).sum(1)[None, :]
        r = r - C[dist.argmin(1)]
    return r
out['rqKmeans@256'] = timeit(rq, reps=3)
# One brute-force assignment pass of the same shape: 4096 points × 256 centroids in 48 dimensions.
C256 = X256[rng.choice(4096, 256, replace=False)].copy()
out['assign@256'] = timeit(lambda: ((C256 * C256).sum(1)[None, :] - 2 * X256 @ C256.T).argmin(1))
# Block DCT 8×8 keep-all of a 512² RGB image: forward and inverse orthonormal DCT of every tile.
V512 = rng.random((512, 512, 3))
try:
    from scipy.fft import dctn, idctn
    def bdct():
        t = V512.reshape(64, 8, 64, 8, 3).transpose(0, 2, 4, 1, 3)
        c = dctn(t, axes=(-2, -1), norm='ortho')
        return idctn(c, axes=(-2, -1), norm='ortho').transpose(0, 3, 1, 4, 2).reshape(512, 512, 3)
    dct_what = 'scipy dctn'
except ImportError:
    k = np.arange(8)
    D = np.sqrt(2 / 8) * np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / 16); D[0] /= np.sqrt(2)
    def bdct():
        t = V512.reshape(64, 8, 64, 8, 3).transpose(0, 2, 4, 1, 3)
        c = D @ t @ D.T
        return (D.T @ c @ D).transpose(0, 3, 1, 4, 2).reshape(512, 512, 3)
    dct_what = 'numpy matrix DCT'
out['blockDct8@512'] = timeit(bdct)
out['blockDct8@512:what'] = dct_what
# Whole-image DCT of the three channels of a 512² image, forward and inverse (scipy when present).
try:
    from scipy.fft import dctn as _dctn, idctn as _idctn
    def wdct():
        for c in range(3):
            _idctn(_dctn(V512[..., c], norm='ortho'), norm='ortho')
    out['wholeDct@512'] = timeit(wdct)
except ImportError:
    pass
# SSIM on luma against a reference whose local statistics are precomputed (as the Depth views do): Gaussian
# σ = 1.5 truncated at 3.5σ (scipy.ndimage, as scikit-image), K1 = 0.01, K2 = 0.03, 5-pixel border cropped.
try:
    from scipy.ndimage import gaussian_filter as _gf
    _w = np.array([0.299, 0.587, 0.114])
    _y = V512 @ _w
    _x = rng.random((512, 512, 3)) @ _w
    _g = lambda a: _gf(a, 1.5, truncate=3.5, mode='reflect')
    _uy = _g(_y); _yy = _g(_y * _y)
    def ssim():
        ux = _g(_x); uxx = _g(_x * _x); uxy = _g(_x * _y)
        vx = uxx - ux * ux; vy = _yy - _uy * _uy; vxy = uxy - ux * _uy
        s = ((2 * ux * _uy + 1e-4) * (2 * vxy + 9e-4)) / ((ux * ux + _uy * _uy + 1e-4) * (vx + vy + 9e-4))
        return s[5:-5, 5:-5].mean()
    out['ssim@512'] = timeit(ssim)
except ImportError:
    pass
# Diffusion spectra: luma of x0 and ε, means removed, np.fft.fft2 of both, ring means of |X|², |E|², Re(X·conj E).
E512 = rng.standard_normal((512, 512, 3))
fy = np.fft.fftfreq(512) * 512
ringk = np.floor(np.sqrt(fy[:, None] ** 2 + fy[None, :] ** 2)).astype(np.int64).ravel()
inside = ringk < 256
ringk_in = ringk[inside]
cnt = np.bincount(ringk_in, minlength=256)
def spectra():
    w = np.array([0.299, 0.587, 0.114])
    a = V512 @ w; a = a - a.mean()
    b = E512 @ w; b = b - b.mean()
    A = np.fft.fft2(a).ravel()[inside]; B = np.fft.fft2(b).ravel()[inside]
    norm = cnt * 512 * 512
    return (np.bincount(ringk_in, (A.real ** 2 + A.imag ** 2), 256) / norm,
            np.bincount(ringk_in, (B.real ** 2 + B.imag ** 2), 256) / norm,
            np.bincount(ringk_in, (A.real * B.real + A.imag * B.imag), 256) / norm)
out['spectra@512'] = timeit(spectra)
json.dump(out, sys.stdout)
`;

/** Median ms per case key; `<key>:what` entries name the reference implementation when it varies. */
export type NativeTimes = Record<string, number | string> | null;

export function numpyReference(): NativeTimes {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', SCRIPT], { encoding: 'utf8' });
    if (r.status === 0) return JSON.parse(r.stdout) as Record<string, number | string>;
  }
  console.warn('numpy not available: no native reference column');
  return null;
}
