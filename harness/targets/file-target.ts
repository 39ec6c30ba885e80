// A Target made from a target file: capabilities as declared, algorithm names mapped, templates
// rendered with mustache (HTML escaping off: configs are not HTML).
import Mustache from 'mustache';
import { commandExists, commandOutput } from './commands.ts';
import { scenarioView, type ScenarioView } from './view.ts';
import { tlsFiles } from './tls-files.ts';
import type { TargetFile } from './target-file.ts';
import type { Capability, Scenario, Target, TargetLaunch } from '../types.ts';

export class TargetRenderError extends Error {
  readonly code = 'FULCRUM_ERR_TARGET_RENDER';
}

const noEscape = { escape: (v: unknown) => String(v) };

export function render(template: string, view: object): string {
  return Mustache.render(template, view, {}, noEscape);
}

export class FileTarget implements Target {
  readonly name: string;
  readonly capabilities: readonly Capability[];

  constructor(
    readonly file: TargetFile,
    /** Where it came from (path or "built-in"), for messages. */
    readonly origin: string,
  ) {
    this.name = file.name;
    const algorithms = Object.keys(file.algorithms).map((a) => `algorithm:${a}`);
    this.capabilities = [...new Set([...file.capabilities, ...algorithms])];
  }

  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    for (const command of this.file.requires) {
      if (!(await commandExists(command))) return { ok: false, reason: `target ${this.name} needs "${command}", which is not on PATH (install it)` };
    }
    return { ok: true };
  }

  async version(): Promise<string | undefined> {
    if (!this.file.version) return undefined;
    const out = await commandOutput(this.file.version.command);
    const m = out === undefined ? null : new RegExp(this.file.version.regex).exec(out);
    return m ? (m[1] ?? m[0]) : undefined;
  }

  render(scenario: Scenario): TargetLaunch {
    const ours = scenario.algorithm.name;
    const mapping = this.file.algorithms[ours];
    if (mapping === undefined) {
      throw new TargetRenderError(`target ${this.name} has no mapping for algorithm "${ours}" (it maps: ${Object.keys(this.file.algorithms).join(', ') || 'none'})`);
    }
    if (!this.capabilities.includes(scenario.mode)) {
      throw new TargetRenderError(`target ${this.name} does not claim mode "${scenario.mode}"`);
    }
    const base = scenarioView(scenario);
    const view = scenarioView(scenario, render(mapping, base).trim(), this.benchSettings(scenario, base));
    const launch: TargetLaunch = {
      files: [...this.file.files.map((f) => ({ path: render(f.path, view), content: render(f.template, view) })), ...tlsFiles(scenario)],
      command: this.file.command.map((arg) => render(arg, view)),
    };
    if (this.file.env) launch.env = Object.fromEntries(Object.entries(this.file.env).map(([k, v]) => [k, render(v, view)]));
    const ready = this.file.ready;
    if (ready && 'delayMs' in ready) launch.readyWhen = { delayMs: ready.delayMs };
    else if (ready?.tcp === 'admin' && scenario.admin) launch.readyWhen = { tcp: scenario.admin };
    else if (scenario.mode !== 'udp') launch.readyWhen = { tcp: scenario.listen };
    return launch;
  }

  /** The bench profile's settings for a bench run (string values rendered with the view), else false. */
  private benchSettings(scenario: Scenario, view: object): ScenarioView['bench'] {
    if (scenario.profile !== 'bench') return false;
    const settings = this.file.bench?.settings ?? {};
    return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, typeof v === 'string' ? render(v, view) : v]));
  }
}
