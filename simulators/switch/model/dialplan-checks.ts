/** Checks across the dial plan that a field schema cannot make: numbers, members and destinations. */
import type { z } from 'zod';

/** The parts of a parsed dial plan the checks read. */
interface PlanShape {
  extensions: { number: string; agent?: { agentID: string; groups: string[] } | undefined }[];
  analogPorts: { number: string }[];
  trunks: { id: string; dids: { number: string; destination: string }[] }[];
  acdGroups: { number: string; members: string[]; overflowDestination?: string | undefined }[];
  huntGroups: { number: string; members: string[] }[];
  routingPoints: { number: string; defaultRoute: string }[];
  featureCodes: Record<string, string>;
}

type Path = (string | number)[];

export function crossCheckDialPlan(plan: PlanShape, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });

  /** Every number a phone can dial, with where it was first defined. */
  const numbers = new Map<string, string>();
  const claim = (number: string, path: Path, what: string) => {
    const first = numbers.get(number);
    if (first !== undefined) issue(path, `${what} ${number} duplicates ${first}`);
    else numbers.set(number, pathText(path));
  };
  plan.extensions.forEach((e, i) => claim(e.number, ['extensions', i, 'number'], 'number'));
  plan.analogPorts.forEach((p, i) => claim(p.number, ['analogPorts', i, 'number'], 'number'));
  plan.acdGroups.forEach((g, i) => claim(g.number, ['acdGroups', i, 'number'], 'number'));
  plan.huntGroups.forEach((g, i) => claim(g.number, ['huntGroups', i, 'number'], 'number'));
  plan.routingPoints.forEach((r, i) => claim(r.number, ['routingPoints', i, 'number'], 'number'));
  plan.trunks.forEach((t, i) => claim(t.id, ['trunks', i, 'id'], 'trunk ID'));

  const dids = new Map<string, string>();
  plan.trunks.forEach((t, i) =>
    t.dids.forEach((d, j) => {
      const path: Path = ['trunks', i, 'dids', j, 'number'];
      const first = dids.get(d.number) ?? numbers.get(d.number);
      if (first !== undefined) issue(path, `DID ${d.number} duplicates ${first}`);
      else dids.set(d.number, pathText(path));
    }),
  );

  const extensions = new Map(plan.extensions.map((e) => [e.number, e]));
  const stations = new Set([...extensions.keys(), ...plan.analogPorts.map((p) => p.number)]);
  const acdGroups = new Set(plan.acdGroups.map((g) => g.number));
  const destinations = new Set(numbers.keys());
  for (const trunk of plan.trunks) destinations.delete(trunk.id);

  const agentIds = new Map<string, string>();
  plan.extensions.forEach((e, i) => {
    if (!e.agent) return;
    const first = agentIds.get(e.agent.agentID);
    if (first !== undefined) issue(['extensions', i, 'agent', 'agentID'], `agent ID ${e.agent.agentID} duplicates ${first}`);
    else agentIds.set(e.agent.agentID, pathText(['extensions', i, 'agent', 'agentID']));
    e.agent.groups.forEach((g, j) => {
      if (!acdGroups.has(g)) issue(['extensions', i, 'agent', 'groups', j], `${g} is not an ACD group`);
    });
  });

  plan.acdGroups.forEach((g, i) => {
    g.members.forEach((m, j) => {
      const path: Path = ['acdGroups', i, 'members', j];
      const extension = extensions.get(m);
      if (!extension) issue(path, `${m} is not an extension`);
      else if (!extension.agent) issue(path, `extension ${m} has no agent`);
    });
    if (g.overflowDestination !== undefined) {
      if (g.overflowDestination === g.number) issue(['acdGroups', i, 'overflowDestination'], 'a group cannot overflow to itself');
      else if (!destinations.has(g.overflowDestination)) {
        issue(['acdGroups', i, 'overflowDestination'], `${g.overflowDestination} is not a device of the dial plan`);
      }
    }
  });
  plan.huntGroups.forEach((g, i) =>
    g.members.forEach((m, j) => {
      if (!stations.has(m)) issue(['huntGroups', i, 'members', j], `${m} is not an extension or analog port`);
    }),
  );
  plan.routingPoints.forEach((r, i) => {
    if (r.defaultRoute === r.number || !destinations.has(r.defaultRoute)) {
      issue(['routingPoints', i, 'defaultRoute'], `${r.defaultRoute} is not a device the call can be routed to`);
    }
  });
  plan.trunks.forEach((t, i) =>
    t.dids.forEach((d, j) => {
      if (!destinations.has(d.destination)) issue(['trunks', i, 'dids', j, 'destination'], `${d.destination} is not a device of the dial plan`);
    }),
  );
}

function pathText(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}
