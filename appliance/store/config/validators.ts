/** Checks that need more than the schema: they look at files the config refers to. */
import { DEFAULT_PBX_PROFILE_DIR, listPbxProfiles, loadPbxProfile, ProfileError } from '../../csta/profile.js';
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
