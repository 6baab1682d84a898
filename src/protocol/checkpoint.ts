// Training runs stored in this browser so that a reload can resume them (the model worker checkpoints every run
// in IndexedDB, src/models/trainingCheckpoint.ts): what a model's status says about its stored run, and what a
// training step's progress says about the newest checkpoint. Shared by the three model hosts' protocols.

/** A training run stored in this browser: the step it reached, when, its batch size and its own settings. */
export interface CheckpointInfo<S extends object = object> {
  step: number;
  /** ISO time of the checkpoint. */
  savedAt: string;
  batch: number;
  settings: S;
}

/** What a model's status says about training runs stored in this browser. */
export interface CheckpointStatus<S extends object = object> {
  /** The run Resume continues, or null (none stored, or this model's runs are not stored). */
  stored: CheckpointInfo<S> | null;
  /** Why runs cannot be stored in this browser at all (IndexedDB unavailable, e.g. a private window), or null. */
  unavailable: string | null;
  /** What went wrong with storage for this model (a checkpoint not saved, a stored copy that no longer fits), or null. */
  note: string | null;
}

/** Added to a training step's progress when a checkpoint was stored (`checkpointStep`) or could not be (`checkpointError`). */
export interface CheckpointProgress {
  checkpointStep?: number;
  checkpointError?: string;
}
