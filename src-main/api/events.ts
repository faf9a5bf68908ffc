/**
 * The one progress-event stream of a study run. The CLI renders it as a progress bar or log lines; the desktop
 * window and the browser host forward it unchanged to the renderer. Plain JSON-serialisable objects only.
 */

export type TaskKind = 'quench' | 'ness-sweep' | 'gap-sweep' | 'gaussian-sweep';

export interface TaskInfo {
  id: string;
  kind: TaskKind;
  /** Short human label, e.g. "quench N=10 ε_f=1.1". */
  label: string;
  /** Figure(s) of the seed this task feeds, e.g. ["fig4d", "fig5d"]. */
  figures: string[];
  /** Parameters of the task (JSON). */
  params: Record<string, unknown>;
  /** Number of samples (rows) the task will produce, when known. */
  samples?: number;
  /** State when the study (re)started: 'done' tasks of a resumed study are not recomputed (read their table). */
  state?: TaskState;
}

export type TaskState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export type StudyEvent =
  | { type: 'study-started'; studyId: string; dir: string; tasks: TaskInfo[]; resumed: boolean }
  | { type: 'task-started'; studyId: string; taskId: string }
  /**
   * total: rows expected (an untilNess quench: its predicted length, ≤ the cap). Quench tasks also report the Fock
   * levels of the latest finished sample (K; the basis adapts) and the largest top-level population so far.
   */
  | { type: 'task-progress'; studyId: string; taskId: string; fraction: number; done: number; total: number; K?: number; topPopulation?: number }
  /** One result row (a quench sample, a sweep point) as soon as it is final. Keys are the CSV's columns. */
  | { type: 'sample-ready'; studyId: string; taskId: string; index: number; row: Record<string, number> }
  | { type: 'task-done'; studyId: string; taskId: string; seconds: number }
  | { type: 'task-failed'; studyId: string; taskId: string; error: string }
  | {
      type: 'study-done';
      studyId: string;
      status: 'completed' | 'cancelled' | 'failed';
      done: number;
      failed: number;
      total: number;
      seconds: number;
    };

export type StudyEventListener = (e: StudyEvent) => void;
