/** Checks that need more than the schema: they look at files the config refers to. */
import { DEFAULT_PBX_PROFILE_DIR, listPbxProfiles, loadPbxProfile, ProfileError } from '../../csta/profile.js';
import { unsupportedOnPbx } from '../../acd/config.js';
import type { ConfigValidator } from './document.js';

/** `pbx.profile` must name a profile in `profileDir` that loads and validates. */
export function pbxProfileExists(profileDir: string = DEFAULT_PBX_PROFILE_DIR): ConfigValidator {
  return (config) => {
    if (!listPbxProfiles(profileDir).includes(config.pbx.profile)) {
      const known = listPbxProfiles(profileDir).join(', ') || 'none';
      return [{ path: 'pbx.profile', message: `unknown PBX profile "${config.pbx.profile}" (known: ${known})` }];
    }
    try {
      loadPbxProfile(config.pbx.profile, profileDir);
      return [];
    } catch (error) {
      if (error instanceof ProfileError) return [{ path: 'pbx.profile', message: error.message }];
      throw error;
    }
  };
}

/** With the ACD on, its queues must ask only for what the PBX can carry out (see unsupportedOnPbx). */
export function acdFitsPbx(profileDir: string = DEFAULT_PBX_PROFILE_DIR): ConfigValidator {
  return (config) => {
    if (!config.acd.enabled) return [];
    let profile: { unsupportedServices: readonly string[] } | undefined;
    try {
      profile = loadPbxProfile(config.pbx.profile, profileDir);
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      profile = undefined; // pbxProfileExists reports it
    }
    return unsupportedOnPbx(config.acd, profile).map((problem) => {
      const at = problem.indexOf(': ');
      return { path: problem.slice(0, at), message: problem.slice(at + 2) };
    });
  };
}
