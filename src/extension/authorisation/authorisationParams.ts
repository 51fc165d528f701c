/**
 * The Authorisation page's request parameters, checked at the host before anything reaches a
 * gateway: the page is untrusted, so `save`'s list is checked for shape, types and bounds here
 * (core's groupListProblems: names, no duplicates, at most LIMITS.authorisationGroups); whether
 * each group is the directory's is the gateway's to say (it names `groups[i]`).
 */
import { groupListProblems } from '../../core/model/authorisation';
import { isJsonObject } from '../../core/model/jsonObject';
import { valueTypeOf } from '../../core/model/inputValues';
import type { AuthorisationRequests } from '../../../webview/protocol/authorisation';
import { RequestRefused } from '../webviews/webviewHost';

export function saveParams(raw: unknown): AuthorisationRequests['save']['params'] {
  if (!isJsonObject(raw)) throw new RequestRefused([{ field: '', message: `the request's parameters must be an object, got ${valueTypeOf(raw)}` }]);
  const problems = groupListProblems(raw.groups);
  if (problems.length) throw new RequestRefused(problems);
  return { groups: [...(raw.groups as string[])] };
}
