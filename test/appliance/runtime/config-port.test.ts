/**
 * StoreConfigPort, the installer's view of the configuration over a real ConfigStore: secrets are
 * masked when shown, and a list sent back masked keeps each item's own secret.
 */
import t from 'tap';
import { hashPassword } from '../../../appliance/api/index.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { StoreConfigPort } from '../../../appliance/runtime/config-port.js';
import { ConfigStore } from '../../../appliance/store/config/index.js';

interface Shown {
  acd: { agents: Record<string, unknown>[] };
  api: { users: Record<string, unknown>[] };
}

t.test('an item removed from a list sent back masked: every other item keeps its own PIN or password hash', async (t) => {
  const store = new ConfigStore({ dir: t.testdir(), logger: silentLogger() });
  await store.open();
  const [first, second] = [await hashPassword('first-secret'), await hashPassword('second-secret')];
  await store.replace({
    acd: { agents: [{ id: 'A1', name: 'Li Na', pin: '1111' }, { id: 'A2', name: 'Zhao Lei', pin: '2222' }] },
    api: { users: [{ username: 'li', passwordHash: first, role: 'supervisor' }, { username: 'zhao', passwordHash: second, role: 'supervisor' }] },
  });
  const port = new StoreConfigPort(store);
  const shown = port.view() as unknown as Shown;
  t.same(shown.acd.agents.map((agent) => agent.pin), ['********', '********'], 'PINs are masked');

  await port.set('acd.agents', shown.acd.agents.slice(1));
  await port.set('api.users', shown.api.users.slice(1));
  t.same(store.get().acd.agents.map((agent) => [agent.id, agent.pin]), [['A2', '2222']], 'A2 keeps its PIN, not the one of A1 before it');
  t.same(store.get().api.users.map((user) => [user.username, user.passwordHash === second]), [['zhao', true]], 'zhao keeps their password hash');

  await port.set('acd.agents', [{ id: 'A3', name: 'Wang Fang', pin: '********' }, ...(port.view() as unknown as Shown).acd.agents]);
  t.same(store.get().acd.agents.map((agent) => [agent.id, agent.pin]), [['A3', undefined], ['A2', '2222']], 'a new item sent with the mask has no secret to keep');
});
