/** Nodes that decide: condition, lookup, setLanguage. */
import type { ConditionTest } from '../../flow/schema.js';
import type { CustomerRecord } from '../../ports.js';
import type { IvrCall } from '../call.js';
import { type NodeHandler, go } from './step.js';

function holds(call: IvrCall, test: ConditionTest): boolean {
  const { calendars, lists, clock } = call.ctx;
  if ('open' in test) {
    if (!calendars.has(test.open)) {
      call.log.warn({ node: call.node }, `no calendar "${test.open}": treated as closed`);
      return false;
    }
    return calendars.isOpen(test.open, clock.now());
  }
  if ('blacklisted' in test) return lists.isBlacklisted(call.callerId);
  if ('vip' in test) return call.vip;
  if ('found' in test) return call.found;
  if ('customerLevel' in test) return call.customer?.level === test.customerLevel;
  if ('language' in test) return call.language === test.language;
  const value = call.variables[test.variable];
  if ('equals' in test) return value === test.equals;
  if ('in' in test) return value !== undefined && test.in.includes(value);
  if ('matches' in test) return value !== undefined && new RegExp(test.matches).test(value);
  const number = value === undefined || value === '' ? Number.NaN : Number(value);
  if ('lessThan' in test) return number < test.lessThan;
  return number > test.greaterThan;
}

export const condition: NodeHandler<'condition'> = async (call, node) => {
  for (const [i, { test, goto }] of node.when.entries()) if (holds(call, test)) return go(goto, `when:${i}`);
  return go(node.else, 'else');
};

function adopt(call: IvrCall, customer: CustomerRecord): void {
  call.customer = customer;
  call.found = true;
  call.variables['customer.id'] = customer.id;
  call.variables['customer.name'] = customer.name;
  call.variables['customer.level'] = customer.level;
  call.variables['customer.vip'] = customer.vip ? 'true' : 'false';
  for (const [key, value] of Object.entries(customer.account)) call.variables[`customer.account.${key}`] = String(value);
  if (customer.language) call.language = customer.language;
  if (customer.vip) call.vip = true;
}

export const lookup: NodeHandler<'lookup'> = async (call, node) => {
  const { customers } = call.ctx;
  const key = node.by === 'callerId' ? call.callerId : call.variables[node.variable ?? ''];
  const customer = key === undefined || key === '' ? undefined : node.by === 'callerId' ? customers.byPhone(key) : (customers.byId(key) ?? customers.byPhone(key));
  call.found = customer !== undefined;
  if (!customer) return go(node.notFound, 'notFound');
  adopt(call, customer);
  return go(node.found, 'found');
};

export const setLanguage: NodeHandler<'setLanguage'> = async (call, node) => {
  call.language = node.language ?? (call.language === 'zh' ? 'en' : 'zh');
  call.variables.language = call.language;
  if (node.prompt) await call.play(node.prompt);
  return go(node.next, call.language);
};
