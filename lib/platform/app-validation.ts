/**
 * Whole-App synth-time validation. Every AgentPlatform registers it, and the first platform still
 * in the App runs it over EVERY chart of the App (sibling charts too), on the objects as they will
 * be written: `ApiObject.toJson()`, after JSON patches and overrides. It runs under `app.synth()`,
 * `Testing.synth()` and `chart.toJson()` for an AgentApp and a plain cdk8s App alike, because cdk8s
 * validates the whole App before synthesizing any chart.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ResolvedObject, SynthValidationOptions, validateResolvedObjects } from '../rules';
import { recordRulesValidation, resolveObject } from './app';
import { removedBaselinePieces, resolvedChecks, writtenVaultAnnotations } from './records';

const PLATFORM_BRAND = Symbol.for('agent-baseline.AgentPlatform');

function isPlatform(c: IConstruct): boolean {
  return PLATFORM_BRAND in c;
}

/** The objects of the App as they will be written, with the constructs' records. */
export function resolveApp(all: readonly IConstruct[]): ResolvedObject[] {
  return all
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((o) => ({
      // Resolved once per synthesis and shared with the output (AgentApp).
      object: resolveObject(o) as ResolvedObject['object'],
      constructPath: o.node.path,
      writtenVaultAnnotations: writtenVaultAnnotations(o),
    }));
}

/** Validation for `platform.node.addValidation`. */
export function appValidation(platform: IConstruct, options: SynthValidationOptions = {}): { validate(): string[] } {
  return {
    validate: () => {
      const root = platform.node.root;
      const all = root.node.findAll();
      const platforms = all.filter(isPlatform);
      // One run per App, by the first platform still in it (removing a platform must not switch the check off).
      if (platforms[0] !== platform) return [];
      // One run over every object of the App: AgentApp may write its validated marker.
      recordRulesValidation(
        all.filter((c): c is ApiObject => ApiObject.isApiObject(c)),
        options,
      );
      return [
        ...removedBaselinePieces(all, root),
        ...validateResolvedObjects(resolveApp(all), { ...options, checks: resolvedChecks(platforms) }),
      ];
    },
  };
}
