/**
 * User name and password as clients put them into StartApplicationSession's applicationSpecificInfo:
 * plain `<userName>`/`<password>` elements (OpenScape Business) or inside an Avaya
 * `<SessionLoginInfo>`. Found by local name at any depth, whatever the namespace.
 */
import { type XmlElement, parseXml } from '../../../appliance/csta/xml/parser.js';

export interface SwitchCredentials {
  username: string;
  password: string;
}

function findText(el: XmlElement, names: readonly string[]): string | undefined {
  for (const child of el.children) {
    if (names.includes(child.name)) return child.text.trim();
    const inner = findText(child, names);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The login found in `applicationSpecificInfo` (inner XML as decoded), or undefined when it has none or does not parse. */
export function loginFromApplicationInfo(applicationSpecificInfo: string | undefined): Partial<SwitchCredentials> | undefined {
  if (applicationSpecificInfo === undefined || applicationSpecificInfo.trim() === '') return undefined;
  let root: XmlElement;
  try {
    root = parseXml(`<applicationSpecificInfo>${applicationSpecificInfo}</applicationSpecificInfo>`);
  } catch {
    return undefined;
  }
  const username = findText(root, ['userName', 'username', 'user', 'loginID']);
  const password = findText(root, ['password']);
  if (username === undefined && password === undefined) return undefined;
  return { ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** Why the login does not match `expected`, or undefined when it does. */
export function loginProblem(applicationSpecificInfo: string | undefined, expected: SwitchCredentials): string | undefined {
  const login = loginFromApplicationInfo(applicationSpecificInfo);
  if (!login || login.username === undefined) return 'no user name in applicationSpecificInfo';
  if (login.username !== expected.username || login.password !== expected.password) return `wrong user name or password for "${login.username}"`;
  return undefined;
}
