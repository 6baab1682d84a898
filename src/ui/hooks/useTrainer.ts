// Training a loaded model in the model worker: a run of some steps on batches of some size, paused by cancelling
// it (the worker keeps the weights, the optimizer state and the loss history for a later resume), and the
// reset / save / forget commands, with the live loss, the speed, the time left and what went wrong. Runs and
// commands are worker actions. The worker checkpoints every run in this browser: after a reload, a stored run
// is offered for resuming (or discarding), and it continues the same loss curve.
import { useEffect, useMemo, useState } from 'react';
import type { CheckpointInfo, CheckpointProgress, CheckpointStatus } from '../../protocol';
import { appStore } from '../../state/store';
import { useWorkerAction } from './useWorkerAction';

/** What a finished run answers: the session's whole loss history and the run's speed. */
export interface TrainRun {
  losses: number[];
  stepsPerSecond: number | null;
}

/** What each step of a run reports (and the newest checkpoint stored in this browser). */
export type TrainProgress = { loss: number; stepsPerSecond: number } & CheckpointProgress;

/** How a training request is sent: cancelled by `signal`; each step's loss and speed come as progress data. */
export interface TrainRequestOptions {
  signal: AbortSignal;
  onProgress(done: number, total: number, label?: string, data?: TrainProgress): void;
}

/**
 * Back to the shipped (or fresh) weights, save them in this browser, delete the saved copy; put back the run
 * stored in this browser, or delete it.
 */
export type ModelCommand = 'reset' | 'save' | 'forget' | 'resume' | 'discard';

/** Shown as a note after a pause and after each command. */
export type TrainerNotes = { paused: string } & Record<'reset' | 'save' | 'forget', string>;

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
  /** What the model's status says about its run stored in this browser. */
  checkpoint?: CheckpointStatus;
  /** A stored run was put back: take its own settings (the denoiser's target…) before it continues. */
  onResumed?(info: CheckpointInfo): void;
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
  /** A run stored in this browser (by an earlier visit) that `resume` continues, while this session has trained none. */
  resumable: CheckpointInfo | null;
  /** Puts the stored run back and continues it. */
  resume(): Promise<void>;
  /** The step of the newest checkpoint the running (or newest) run stored. */
  checkpointStep: number | null;
  /** What went wrong with storing this model's runs, or null. */
  storageNote: string | null;
}

type Live = { key: string; losses: number[]; stepsPerSecond: number | null; checkpointStep?: number; checkpointError?: string };

const NONE: number[] = [];
/**
 * A run's section (its loss curve, step count and time left) is drawn at most once per this many ms, with every
 * step's loss: each step is a few ms at 128², and a render per step took main-thread time from the sliders.
 */
export const TRAIN_VIEW_MS = 250;
const COMMAND_TEXT: Record<ModelCommand, string> = {
  reset: 'Reset', save: 'Saving', forget: 'Deleting the saved copy', resume: 'Putting back the stored run', discard: 'Deleting the stored run',
};
const DISCARDED = 'The stored training run is deleted.';

/** Storage unavailable is said once per visit, whichever section finds out first. */
let unavailableTold = false;

/**
 * Asks the browser to keep this site's storage (saved copies, stored runs) under storage pressure; says
 * whether it agreed. Only the page can ask (workers cannot).
 */
export async function askPersistentStorage(): Promise<string> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) return 'This browser cannot be asked to keep it: it may clear it when space runs low.';
  const granted = await storage.persist().catch(() => false);
  return granted
    ? 'The browser agreed to keep it until you delete it (persistent storage granted).'
    : 'The browser did not grant persistent storage: it may clear the copy when space runs low.';
}

export function useTrainer<S extends { losses: number[]; checkpoint?: CheckpointStatus }>(options: TrainerOptions<S>): Trainer {
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

  const unavailable = options.checkpoint?.unavailable ?? null;
  useEffect(() => {
    if (unavailable === null || unavailableTold) return;
    unavailableTold = true;
    appStore.getState().notify('info', unavailable);
  }, [unavailable]);

  // Another model's run says nothing about this one; a finished run's losses stay until the re-read status has them.
  const liveHere = live && live.key === modelKey ? live : null;
  const losses = useMemo(
    () => ((training.working || (liveHere && liveHere.losses.length > (sessionLosses?.length ?? 0)) ? liveHere?.losses : sessionLosses) ?? NONE),
    [training.working, liveHere, sessionLosses],
  );

  /** Starts a run of `steps` on batches of `size` after the steps whose losses are `before`. */
  function begin(before: number[], size: number) {
    const { train, notes, onStopped } = options;
    if (!train || training.working) return;
    setError(null);
    setNote(null);
    const key = modelKey;
    setLive({ key, losses: [...before], stepsPerSecond: null });
    void training.run({ steps, batch: size }, {
      onProgress: (_done, _total, _label, data) => {
        if (data) {
          setLive((l) => ({
            key, losses: [...(l?.losses ?? []), data.loss], stepsPerSecond: data.stepsPerSecond, checkpointStep: data.checkpointStep, checkpointError: data.checkpointError,
          }));
        }
      },
      paceMs: TRAIN_VIEW_MS,
    }).then((o) => {
      if (o.status === 'done') setLive((l) => ({ ...l, key, losses: o.result.losses, stepsPerSecond: o.result.stepsPerSecond }));
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
    const { command, notes, onStatus, onResumed } = options;
    if (!command) return;
    if (kind === 'reset' || kind === 'resume') cancel();
    setAsked(kind);
    setError(null);
    setNote(null);
    const o = await commands.run(kind);
    if (o.status === 'error') setError(`${COMMAND_TEXT[kind]} failed: ${o.error}`);
    if (o.status !== 'done') return;
    onStatus(o.result);
    if (kind === 'reset') setLive(null);
    if (kind === 'save') setNote(`${notes?.save ?? 'Saved in this browser.'} ${await askPersistentStorage()}`);
    else if (kind === 'discard') setNote(DISCARDED);
    else if (kind !== 'resume' && notes) setNote(notes[kind]);
    const stored = o.result.checkpoint?.stored;
    if (kind === 'resume' && stored && o.result.losses.length > 0) {
      // The run goes on from its step with its own batch and settings; its earlier losses stay on the chart.
      setBatch(stored.batch);
      onResumed?.(stored);
      begin(o.result.losses, stored.batch);
    }
  }

  const stored = options.checkpoint?.stored ?? null;
  const liveCheckpoint = liveHere?.checkpointStep;
  return {
    steps, setSteps, batch, setBatch, training: training.working, losses,
    stepsPerSecond: liveHere?.stepsPerSecond ?? null,
    runDone: training.working && liveHere ? liveHere.losses.length - (sessionLosses?.length ?? 0) : 0,
    etaSeconds: training.progress?.etaSeconds ?? null,
    busy: commands.working ? COMMAND_TEXT[asked] : null,
    error, setError, note,
    start: () => begin(sessionLosses ?? NONE, batch),
    pause: cancel,
    run,
    resumable: stored && !training.working && losses.length === 0 ? stored : null,
    resume: () => run('resume'),
    checkpointStep: liveCheckpoint ?? null,
    storageNote: liveHere?.checkpointError ?? options.checkpoint?.note ?? null,
  };
}
