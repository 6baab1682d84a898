// Mounts a chart built by the pure chart functions (lineChart, barChart). The svg is created
// outside React, so React owns only the container and swaps its single child when `svg` changes.
import { useLayoutEffect, useRef } from 'react';

export interface ChartMountProps {
  svg: SVGSVGElement;
  className?: string;
}

export function ChartMount({ svg, className }: ChartMountProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Layout effect: the chart is in place before paint, so there is no flash of an empty box.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.replaceChildren(svg);
    return () => {
      if (svg.parentNode === el) el.removeChild(svg);
    };
  }, [svg]);
  return <div ref={ref} className={className} />;
}
