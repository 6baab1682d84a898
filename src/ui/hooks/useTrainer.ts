// Training a loaded model in the model worker: a run of some steps on batches of some size, paused by cancelling
// it (the worker keeps the weights, the optimizer state and the loss history for a later resume), and the
// reset / save / forget commands, with the live loss, the speed and what went wrong.
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, isAbort } from '../../compute/requests';

/** What a finished run answers: the session's whole loss history and the run's speed. */
export interface TrainRun {
  losses: number[];
  stepsPerSecond: number | null;
}

/** How a training request is sent: cancelled by `signal`; each step's loss and speed come as progress data. */
export interface TrainRequestOptions {
  signal: AbortSignal;
  onProgress(done: number, total: number, label?: string, data?: { loss: number; stepsPerSecond: number }): void;
}

/** Back to the shipped (or fresh) weights, save them in this browser, or delete the saved copy. */
export type ModelCommand = 'reset' | 'save' | 'forget';

/** Shown as a note after a pause and after each command. */
export type TrainerNotes = { paused: string } & Record<ModelCommand, string>;

export interface TrainerOptions<S> {
  /** The model trained; a run's losses belong to it, and another one pauses the run. */
  modelKey: string;
  /** Another value pauses a running run as well (the crop model's image). */
  pauseKey?: string;
  /** Losses of the steps the model took in this session before (its status). */
  sessionLosses: number[] | undefined;
  initialSteps: number;
  /** Sends a run of `steps` steps on batches of `batch`; null while the model cannot train. */
  train: ((steps: number, batch: number, options: TrainRequestOptions) => Promise<TrainRun>) | null;
  /** Sends a command; resolves to the model's new status. Null while there is no model. */
  command: ((kind: ModelCommand) => Promise<S>) | null;
  onStatus(status: S): void;
  /** A run stopped (done, paused or failed): the weights changed. */
  onStopped(): void;
  notes?: TrainerNotes;
}

export interface Trainer {
  steps: number;
  setSteps(steps: number): void;
  batch: number;
  setBatch(batch: number): void;
  training: boolean;
  /** The losses to show: the running (or newest) run's, else the session's. */
  losses: number[];
  /** The newest run's speed, if it has one. */
  stepsPerSecond: number | null;
  /** Steps taken by the running run. */
  runDone: number;
  /** What a command is doing ('Saving'), while it runs. */
  busy: string | null;
  error: string | null;
  /** Shows another action's error in the same place (or clears it). */
  setError(error: string | null): void;
  note: string | null;
  start(): void;
  pause(): void;
  run(kind: ModelCommand): Promise<void>;
}

type Live = { key: string; losses: number[]; stepsPerSecond: number | null };

const NONE: number[] = [];
const COMMAND_TEXT: Record<ModelCommand, string> = { reset: 'Reset', save: 'Saving', forget: 'Deleting the saved copy' };

export function useTrainer<S>(options: TrainerOptions<S>): Trainer {
  const { modelKey, pauseKey, sessionLosses } = options;
  const [steps, setSteps] = useState(options.initialSteps);
  const [batch, setBatch] = useState(32);
  const [training, setTraining] = useState(false);
  const [live, setLive] = useState<Live | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => () => abortRef.current?.abort(), [modelKey, pauseKey]);

  // Another model's run says nothing about this one; a finished run's losses stay until the re-read status has them.
  const liveHere = live && live.key === modelKey ? live : null;
  const losses = useMemo(
    () => ((training || (liveHere && liveHere.losses.length > (sessionLosses?.length ?? 0)) ? liveHere?.losses : sessionLosses) ?? NONE),
    [training, liveHere, sessionLosses],
  );

  function start() {
    const { train, notes, onStopped } = options;
    if (!train || training) return;
    const abort = new AbortController();
    abortRef.current = abort;
    setTraining(true);
    setError(null);
    setNote(null);
    const key = modelKey;
    setLive({ key, losses: [...(sessionLosses ?? NONE)], stepsPerSecond: null });
    train(steps, batch, {
      signal: abort.signal,
      onProgress: (_done, _total, _label, data) => {
        if (data) setLive((l) => ({ key, losses: [...(l?.losses ?? []), data.loss], stepsPerSecond: data.stepsPerSecond }));
      },
    })
      .then(
        (r) => setLive({ key, losses: r.losses, stepsPerSecond: r.stepsPerSecond }),
        (e) => {
          if (!isAbort(e)) setError(`Training stopped: ${errorMessage(e)}`);
          else if (notes) setNote(notes.paused);
        },
      )
      .finally(() => {
        if (abortRef.current !== abort) return;
        abortRef.current = null;
        setTraining(false);
        onStopped();
      });
  }

  async function run(kind: ModelCommand) {
    const { command, notes, onStatus } = options;
    if (!command) return;
    const what = COMMAND_TEXT[kind];
    if (kind === 'reset') abortRef.current?.abort();
    setBusy(what);
    setError(null);
    setNote(null);
    try {
      onStatus(await command(kind));
      if (kind === 'reset') setLive(null);
      if (notes) setNote(notes[kind]);
    } catch (e) {
      if (!isAbort(e)) setError(`${what} failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  }

  return {
    steps, setSteps, batch, setBatch, training, losses,
    stepsPerSecond: liveHere?.stepsPerSecond ?? null,
    runDone: training && liveHere ? liveHere.losses.length - (sessionLosses?.length ?? 0) : 0,
    busy, error, setError, note,
    start,
    pause: () => abortRef.current?.abort(),
    run,
  };
}
