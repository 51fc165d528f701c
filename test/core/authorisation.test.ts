/** The authorisation rules of core (src/core/model/authorisation.ts): the group-list check both clients send through, the answer checks, the meaning line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import {
  authorisationAnswerProblem,
  authorisationMeaning,
  directoryGroupsAnswerProblem,
  groupListProblems,
  GUARDED_AUTHORISATION_TEXT,
  OPEN_AUTHORISATION_TEXT,
} from '../../src/core/model/authorisation';

test('groupListProblems: names the item at fault (or the list), under the field given', () => {
  assert.deepEqual(groupListProblems(['operators', 'night-shift']), []);
  assert.deepEqual(groupListProblems([]), []);
  assert.deepEqual(groupListProblems('operators'), [{ field: 'groups', message: 'must be a list of group names' }]);
  assert.deepEqual(groupListProblems(['a', 3]).map((p) => p.field), ['groups[1]']);
  assert.deepEqual(groupListProblems(['a', ' ']).map((p) => p.message), ['must not be empty']);
  assert.deepEqual(groupListProblems(['a', 'a'], '--group'), [{ field: '--group[1]', message: "'a' is listed twice" }]);
  assert.match(groupListProblems(['tab\there'])[0].message, /control characters/);
  assert.deepEqual(groupListProblems(['x'.repeat(LIMITS.directoryNameLength)]), []);
  assert.match(groupListProblems(['x'.repeat(LIMITS.directoryNameLength + 1)])[0].message, /at most 256 characters/);
  assert.deepEqual(groupListProblems(Array.from({ length: LIMITS.authorisationGroups }, (_, i) => `g${i}`)), []);
  assert.deepEqual(groupListProblems(Array.from({ length: LIMITS.authorisationGroups + 1 }, (_, i) => `g${i}`)).map((p) => p.field), ['groups']);
  assert.equal(groupListProblems(Array.from({ length: 200 }, () => 7)).length, 50, 'at most 50 problems are listed');
});

test('answer checks: the documented shapes pass; control characters, bounds and shapes are named', () => {
  assert.equal(authorisationAnswerProblem({ groups: ['a', 'b'] }), undefined);
  assert.equal(authorisationAnswerProblem({ groups: [] }), undefined);
  assert.match(authorisationAnswerProblem(null)!, /not \{"groups"/);
  assert.match(authorisationAnswerProblem({ groups: ['a', '\u001b[2J'] })!, /^groups\[1\]/);
  assert.match(authorisationAnswerProblem({ groups: Array.from({ length: LIMITS.authorisationGroups + 1 }, (_, i) => `g${i}`) })!, /more than/);
  assert.equal(directoryGroupsAnswerProblem({ groups: [{ name: 'a', members: 0 }, { name: 'b' }] }), undefined);
  assert.match(directoryGroupsAnswerProblem({ groups: [{ name: 'a', members: -1 }] })!, /^groups\[0\]/);
  assert.match(directoryGroupsAnswerProblem({ groups: [{ name: 'a\nb' }] })!, /^groups\[0\]/);
  assert.match(directoryGroupsAnswerProblem({ groups: ['a'] })!, /^groups\[0\]/);
});

test('the meaning line: open with no groups, members and Admins with some', () => {
  assert.equal(authorisationMeaning([]), OPEN_AUTHORISATION_TEXT);
  assert.equal(authorisationMeaning(['ops']), `${GUARDED_AUTHORISATION_TEXT} this version's flows`);
});
