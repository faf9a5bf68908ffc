/**
 * The window's state (Svelte 5 runes) around the pure modules: the form text and its validation, the current study's
 * RunState fed by the contract's events, and the list of past runs. Everything reaches the main side through `api`.
 */
import { api, RemoteError } from '../api/client.js';
import type { MenuAction, PushEvent, Res } from '../../src-main/api/contract.js';
import type { StudyEvent, TaskInfo } from '../../src-main/api/events.js';
import { DEFAULT_SECONDS_PER_WORK, defaultText, formFromTasks, toSpec, validateForm, type FormText } from './kerrForm.js';
import { stressStudy } from './stress.js';
import { estimateK, estimateKAsync, onReady } from './kEstimate.js';
import { applyEvent, calibrateAsync, emptyRun, fromTables, missingRows, withRows, type RunState, type RunStatus } from './runState.js';

const CAL_KEY = 'epstudio.secondsPerWork';

export type Tab = 'quench' | 'phase' | 'studies' | 'gaussian' | 'lab';

/** The tab that shows a study: the Gaussian one when every task is a Gaussian sweep (seed 004), else the Kerr one. */
export function tabFor(tasks: { kind: string }[]): Tab {
  return tasks.length > 0 && tasks.every((t) => t.kind === 'gaussian-sweep') ? 'gaussian' : 'quench';
}

class AppState {
  tab = $state<Tab>('quench');
  form = $state<FormText>(defaultText());
  /** Bumped when an off-thread K estimate lands (kEstimate.ts), so the form re-validates with it. */
  kVersion = $state(0);
  validation = $derived.by(() => {
    void this.kVersion;
    return validateForm(this.form, estimateK);
  });
  /** Raw: replaced on every event; the charts redraw from `view`, refreshed at most every 150 ms. */
  run = $state.raw<RunState>(emptyRun());
  view = $state.raw<RunState>(emptyRun());
  now = $state(Date.now());
  presets = $state.raw<{ name: string; description: string }[]>([]);
  studies = $state.raw<Res<'studies.list'>>([]);
  error = $state<string | undefined>(undefined);
  notice = $state<string | undefined>(undefined);
  busy = $state(false);
  secondsPerWork = $state(readCalibration());
  cores = $state(2);
  menu = $state<{ action: MenuAction; n: number } | undefined>(undefined);
  private pendingView = false;

  constructor() {
    onReady(() => this.kVersion++);
    api.onPush((e: PushEvent) => {
      if (e.channel === 'study') this.onEvent(e.event as StudyEvent);
      else if (e.channel === 'menu') this.menu = { action: e.action, n: (this.menu?.n ?? 0) + 1 };
    });
    setInterval(() => {
      if (this.run.status === 'running') this.now = Date.now();
    }, 500);
  }

  private onEvent(e: StudyEvent) {
    this.run = applyEvent(this.run, e, Date.now());
    this.now = Date.now();
    if (e.type === 'study-started' && e.resumed) void this.loadFinished(e.dir);
    if (e.type === 'study-done') {
      // Only whole, uninterrupted runs calibrate (a resumed run's wall time covers part of the work).
      // Short runs are dominated by start-up (pool, NESS solves), not by K² × samples: they do not calibrate.
      // The K estimates it may need come from the K worker (never chooseK on the UI thread).
      if (e.status === 'completed' && !this.run.resumed && e.seconds >= 5)
        void calibrateAsync(this.run, e.seconds, this.cores, estimateKAsync).then((c) => {
          if (!c) return;
          // Geometric mean with the previous value: one unusual run (a busy machine) moves the estimate only halfway.
          this.secondsPerWork = Math.sqrt(c * this.secondsPerWork);
          try {
            localStorage.setItem(CAL_KEY, String(this.secondsPerWork));
          } catch {
            /* storage unavailable */
          }
        });
      this.view = this.run;
      void this.refreshStudies();
      return;
    }
    // Batch chart redraws: samples can arrive far faster than a chart needs to repaint.
    if (!this.pendingView) {
      this.pendingView = true;
      setTimeout(() => {
        this.pendingView = false;
        this.view = this.run;
      }, 150);
    }
  }

  /** Rows of finished tasks that this window has not seen (resume after a restart): read from the study folder. */
  private async loadFinished(dir: string) {
    for (const id of missingRows(this.run)) {
      const tab = await this.call(() => api.invoke('studies.readTask', { dir, taskId: id }));
      if (tab && this.run.dir === dir) this.run = withRows(this.run, id, tab);
    }
    this.view = this.run;
  }

  async call<T>(f: () => Promise<T>): Promise<T | undefined> {
    this.error = undefined;
    try {
      return await f();
    } catch (e) {
      this.error = e instanceof RemoteError || e instanceof Error ? e.message : String(e);
      return undefined;
    }
  }

  async init() {
    const stress = /^(\d+)x(\d+)$/.exec(new URLSearchParams(location.search).get('stress') ?? '');
    if (stress) {
      this.run = stressStudy(Math.min(100, Number(stress[1])), Math.min(100_000, Number(stress[2])));
      this.view = this.run;
    }
    const info = await this.call(() => api.invoke('app.info', {}));
    if (info) this.cores = info.cores;
    this.presets = (await this.call(() => api.invoke('studies.presets', {}))) ?? [];
    await this.refreshStudies();
  }

  async refreshStudies() {
    this.studies = (await this.call(() => api.invoke('studies.list', {}))) ?? this.studies;
  }

  get running(): boolean {
    return this.run.status === 'running';
  }

  private begin(r: { studyId: string; dir: string; tasks: TaskInfo[] }, resumed: boolean) {
    // The study-started event may already have arrived; otherwise start from the response.
    this.notice = undefined;
    if (this.run.studyId !== r.studyId) this.run = applyEvent(this.run, { type: 'study-started', studyId: r.studyId, dir: r.dir, tasks: r.tasks, resumed }, Date.now());
    this.view = this.run;
    this.tab = this.tab === 'studies' ? 'quench' : this.tab;
  }

  /** Run the form's quench (blocked while any field is invalid). */
  async runForm() {
    const v = this.validation.value;
    if (!v || this.running) return;
    const r = await this.call(() => api.invoke('studies.run', { spec: toSpec(v) as Record<string, unknown> }));
    if (r) this.begin(r, false);
  }

  async runPreset(preset: string) {
    if (this.running) return;
    const r = await this.call(() => api.invoke('studies.run', { preset }));
    if (r) {
      this.begin(r, false);
      this.form = formFromTasks(r.tasks) ?? this.form;
      this.tab = tabFor(r.tasks);
    }
  }

  /** Run a spec the user picked as a file: the window reads it and sends the content; the main side never gets a path. */
  async runSpec(spec: Record<string, unknown>) {
    if (this.running) return;
    const r = await this.call(() => api.invoke('studies.run', { spec }));
    if (r) {
      this.begin(r, false);
      this.form = formFromTasks(r.tasks) ?? this.form;
    }
  }

  async cancel() {
    if (this.run.studyId) await this.call(() => api.invoke('studies.cancel', { studyId: this.run.studyId! }));
  }

  async resume() {
    const dir = this.run.dir;
    if (!dir || this.running) return;
    const r = await this.call(() => api.invoke('studies.resume', { dir }));
    if (r) {
      this.begin(r, true);
      if (r.notes?.length) this.notice = r.notes.join(' ');
    }
  }

  /** Reopen a study folder: task list and states, then every task's table. */
  async open(dir?: string) {
    if (this.running) return;
    const picked = await this.call(() => api.invoke('studies.open', dir === undefined ? {} : { dir }));
    if (!picked) return;
    this.busy = true;
    try {
      const st = await this.call(() => api.invoke('studies.status', { dir: picked.dir }));
      if (!st) return;
      const tables: Record<string, { columns: string[]; rows: number[][] }> = {};
      for (const t of st.tasks) {
        if (st.states[t.id] === 'pending') continue;
        const tab = await this.call(() => api.invoke('studies.readTask', { dir: picked.dir, taskId: t.id }));
        if (tab) tables[t.id] = tab;
      }
      const status = (['completed', 'cancelled', 'failed'].includes(st.status) ? st.status : 'cancelled') as RunStatus;
      this.run = fromTables(picked.dir, st.tasks, st.states, tables, status);
      this.view = this.run;
      this.form = formFromTasks(st.tasks) ?? this.form;
      this.tab = tabFor(st.tasks);
      this.notice = `Opened ${picked.dir}`;
    } finally {
      this.busy = false;
    }
  }

  async saveAs() {
    if (!this.run.dir) return;
    const r = await this.call(() => api.invoke('studies.saveAs', { dir: this.run.dir! }));
    if (r) {
      this.notice = `Saved a copy of the study to ${r.dir}`;
      await this.refreshStudies();
    }
  }

  newStudy() {
    if (this.running) return;
    this.form = defaultText();
    this.run = emptyRun();
    this.view = this.run;
    this.tab = 'quench';
  }
}

function readCalibration(): number {
  try {
    const v = Number(localStorage.getItem(CAL_KEY));
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_SECONDS_PER_WORK;
  } catch {
    return DEFAULT_SECONDS_PER_WORK;
  }
}

export const app = new AppState();
