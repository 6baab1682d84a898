// Training a loaded model in the model worker: a run of some steps on batches of some size, paused by cancelling
// it (the worker keeps the weights, the optimizer state and the loss history for a later resume), and the
// reset / save / forget commands, with the live loss, the speed, the time left and what went wrong. Runs and
// commands are worker actions.
import { useEffect, useMemo, useState } from 'react';
import { useWorkerAction } from './useWorkerAction';

/** What a finished run answers: the session's whole loss history and the run's speed. */
export interface TrainRun {
  losses: number[];
  stepsPerSecond: number | null;
}

/** What each step of a run reports. */
export type TrainProgress = { loss: number; stepsPerSecond: number };

/** How a training request is sent: cancelled by `signal`; each step's loss and speed come as progress data. */
export interface TrainRequestOptions {
  signal: AbortSignal;
  onProgress(done: number, total: number, label?: string, data?: TrainProgress): void;
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
  /** Seconds the running run has left, once there is an estimate. */
  etaSeconds: number | null;
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
  const [live, setLive] = useState<Live | null>(null);
  const [asked, setAsked] = useState<ModelCommand>('reset');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  // Each sends through this render's options (an action uses the latest render's send).
  const training = useWorkerAction((size: { steps: number; batch: number }, opts: TrainRequestOptions) => options.train!(size.steps, size.batch, opts));
  // A command's request is not cancelled with it: only its answer is dropped.
  const commands = useWorkerAction((kind: ModelCommand) => options.command!(kind));

  const { cancel } = training;
  useEffect(() => cancel, [modelKey, pauseKey, cancel]);

  // Another model's run says nothing about this one; a finished run's losses stay until the re-read status has them.
  const liveHere = live && live.key === modelKey ? live : null;
  const losses = useMemo(
    () => ((training.working || (liveHere && liveHere.losses.length > (sessionLosses?.length ?? 0)) ? liveHere?.losses : sessionLosses) ?? NONE),
    [training.working, liveHere, sessionLosses],
  );

  function start() {
    const { train, notes, onStopped } = options;
    if (!train || training.working) return;
    setError(null);
    setNote(null);
    const key = modelKey;
    setLive({ key, losses: [...(sessionLosses ?? NONE)], stepsPerSecond: null });
    void training.run({ steps, batch }, {
      onProgress: (_done, _total, _label, data) => {
        if (data) setLive((l) => ({ key, losses: [...(l?.losses ?? []), data.loss], stepsPerSecond: data.stepsPerSecond }));
      },
    }).then((o) => {
      if (o.status === 'done') setLive({ key, losses: o.result.losses, stepsPerSecond: o.result.stepsPerSecond });
      else if (o.status === 'error') {
        setError(`Training stopped: ${o.error}`);
        // The worker may have gone back to a checkpoint: the session's losses, re-read after the stop, are the ones to show.
        setLive(null);
      }
      else if (notes) setNote(notes.paused);
      onStopped();
    });
  }

  async function run(kind: ModelCommand) {
    const { command, notes, onStatus } = options;
    if (!command) return;
    if (kind === 'reset') cancel();
    setAsked(kind);
    setError(null);
    setNote(null);
    const o = await commands.run(kind);
    if (o.status === 'done') {
      onStatus(o.result);
      if (kind === 'reset') setLive(null);
      if (notes) setNote(notes[kind]);
    } else if (o.status === 'error') setError(`${COMMAND_TEXT[kind]} failed: ${o.error}`);
  }

  return {
    steps, setSteps, batch, setBatch, training: training.working, losses,
    stepsPerSecond: liveHere?.stepsPerSecond ?? null,
    runDone: training.working && liveHere ? liveHere.losses.length - (sessionLosses?.length ?? 0) : 0,
    etaSeconds: training.progress?.etaSeconds ?? null,
    busy: commands.working ? COMMAND_TEXT[asked] : null,
    error, setError, note,
    start,
    pause: cancel,
    run,
  };
}
