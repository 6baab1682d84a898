import { useEffect, useId, useRef, useState } from 'react';

export interface SliderProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange(value: number): void;
  /** How the current value is shown next to the label (units included). */
  format?: (v: number) => string;
  hint?: string;
  testId?: string;
  /**
   * For a control whose every value rebuilds the view (a patch size, a codebook size): the thumb and the value
   * shown follow each input at once, but `onChange` runs at most once per frame, with the latest value. A drag
   * or a held key may skip intermediate values; the last one is always committed.
   */
  coalesce?: boolean;
}

const nextFrame = (cb: () => void): (() => void) => {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(cb);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(cb, 16);
  return () => clearTimeout(id);
};

/** A labelled range input: arrow keys, Home/End and PageUp/PageDown work as the browser provides them. */
export function Slider({ label, value, min, max, step = 1, onChange, format = String, hint, testId, coalesce = false }: SliderProps) {
  const id = useId();
  // A value moved to but not yet committed (coalesce only).
  const [draft, setDraft] = useState<number | null>(null);
  const latest = useRef(onChange);
  latest.current = onChange;
  const pending = useRef<{ value: number; cancel: () => void } | null>(null);
  useEffect(() => () => pending.current?.cancel(), []);
  const input = (v: number) => {
    if (!coalesce) {
      onChange(v);
      return;
    }
    setDraft(v);
    if (pending.current) {
      pending.current.value = v;
      return;
    }
    const job = {
      value: v,
      cancel: nextFrame(() => {
        pending.current = null;
        setDraft(null);
        latest.current(job.value);
      }),
    };
    pending.current = job;
  };
  const current = draft ?? value;
  const shown = format(current);
  return (
    <div className="slider">
      <label htmlFor={id}>
        {label} <output htmlFor={id} data-testid={testId ? `${testId}-value` : undefined}>{shown}</output>
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={current}
        aria-valuetext={shown}
        data-testid={testId}
        onChange={(e) => input(Number(e.currentTarget.value))}
      />
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}
