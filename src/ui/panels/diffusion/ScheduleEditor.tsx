import { scaleLinear } from 'd3';
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { monotoneLogSnr } from '../../../core/diffusion/schedules';
import type { ControlPoint } from '../../../state/diffusionSlice';

const W = 360;
const H = 180;
const M = { top: 10, right: 12, bottom: 30, left: 40 };
const L = 15; // λ range shown: ±15

/** Keeps the points a valid schedule: sorted by t, ends pinned at t = 0 and 1, λ non-increasing. */
export function enforceMonotone(points: ControlPoint[]): ControlPoint[] {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  let prev = Infinity;
  return sorted.map((p, i) => {
    const t = i === 0 ? 0 : i === sorted.length - 1 ? 1 : Math.min(0.999, Math.max(0.001, p.t));
    const logSnr = Math.max(-L, Math.min(L, Math.min(prev, p.logSnr)));
    prev = logSnr;
    return { t: Number(t.toFixed(3)), logSnr: Number(logSnr.toFixed(2)) };
  });
}

/** Drag (or focus and use the arrow keys on) the control points of λ(t); the curve between them is monotone. */
export function ScheduleEditor({ points, onChange }: { points: ControlPoint[]; onChange(points: ControlPoint[]): void }) {
  const svg = useRef<SVGSVGElement>(null);
  const dragging = useRef<number | null>(null);
  const x = scaleLinear().domain([0, 1]).range([M.left, W - M.right]);
  const y = scaleLinear().domain([-L, L]).range([H - M.bottom, M.top]);
  const f = monotoneLogSnr(points);
  const path = Array.from({ length: 101 }, (_, i) => {
    const t = i / 100;
    return `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(Math.max(-L, Math.min(L, f(t)))).toFixed(1)}`;
  }).join('');

  const move = (i: number, t: number, logSnr: number) => {
    const next = points.map((p, j) => (j === i ? { t, logSnr } : p));
    onChange(enforceMonotone(next));
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const i = dragging.current;
    if (i === null || !svg.current) return;
    const r = svg.current.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * W;
    const py = ((e.clientY - r.top) / r.height) * H;
    move(i, x.invert(px), y.invert(py));
  };
  const onKey = (i: number) => (e: KeyboardEvent<SVGCircleElement>) => {
    const p = points[i];
    const d: Record<string, [number, number]> = { ArrowUp: [0, 0.5], ArrowDown: [0, -0.5], ArrowLeft: [-0.01, 0], ArrowRight: [0.01, 0] };
    const step = d[e.key];
    if (!step) return;
    e.preventDefault();
    move(i, p.t + step[0], p.logSnr + step[1]);
  };

  return (
    <svg
      ref={svg}
      className="schedule-editor"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="group"
      aria-label="Custom schedule editor: each control point is a slider for log-SNR at its time t"
      onPointerMove={onPointerMove}
      onPointerUp={() => (dragging.current = null)}
      onPointerLeave={() => (dragging.current = null)}
    >
      <rect x={M.left} y={M.top} width={W - M.left - M.right} height={H - M.top - M.bottom} fill="#fafbfc" stroke="#d5d9df" />
      <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke="#c4c9d0" strokeDasharray="3,3" />
      {[-10, 0, 10].map((v) => <text key={v} x={M.left - 6} y={y(v) + 3} textAnchor="end" fontSize={10} fill="#222">{v}</text>)}
      {[0, 0.5, 1].map((v) => <text key={v} x={x(v)} y={H - M.bottom + 14} textAnchor="middle" fontSize={10} fill="#222">{v}</text>)}
      <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle" fontSize={11} fill="#222">t</text>
      <text transform={`translate(12,${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" fontSize={11} fill="#222">log-SNR λ</text>
      <path d={path} fill="none" stroke="#1f5fa8" strokeWidth={2} />
      {points.map((p, i) => (
        <circle
          key={i}
          cx={x(p.t)}
          cy={y(p.logSnr)}
          r={7}
          fill="#fff"
          stroke="#1f5fa8"
          strokeWidth={2}
          tabIndex={0}
          role="slider"
          aria-label={`Control point ${i + 1} at t = ${p.t}`}
          aria-valuemin={-L}
          aria-valuemax={L}
          aria-valuenow={p.logSnr}
          aria-valuetext={`λ = ${p.logSnr} at t = ${p.t}`}
          style={{ cursor: 'grab' }}
          onPointerDown={(e) => {
            dragging.current = i;
            (e.currentTarget.ownerSVGElement as SVGSVGElement).setPointerCapture?.(e.pointerId);
          }}
          onKeyDown={onKey(i)}
        />
      ))}
    </svg>
  );
}
