import { derivedLogGroupName } from '../../../src/logs/private/names';

describe('derivedLogGroupName', () => {
  test('is /<stack name>/<path in the stack> when CloudWatch accepts it as is', () => {
    expect(derivedLogGroupName('MyStack', 'Api/Handler/Logs')).toEqual('/MyStack/Api/Handler/Logs');
  });

  test('replaces characters CloudWatch rejects and adds a hash of the exact path, so paths stay distinct', () => {
    // GIVEN ids that differ only in a character CloudWatch rejects
    const spaced = derivedLogGroupName('MyStack', 'My Handler/Logs');
    const colon = derivedLogGroupName('MyStack', 'My:Handler/Logs');

    // THEN
    expect(spaced).toMatch(/^\/MyStack\/My-Handler\/Logs-[0-9A-F]{8}$/);
    expect(colon).toMatch(/^\/MyStack\/My-Handler\/Logs-[0-9A-F]{8}$/);
    expect(spaced).not.toEqual(colon);
  });

  test('stays within 512 characters and distinct for long paths that share a prefix', () => {
    // GIVEN
    const prefix = 'Level/'.repeat(100);

    // WHEN
    const first = derivedLogGroupName('MyStack', `${prefix}First`);
    const second = derivedLogGroupName('MyStack', `${prefix}Second`);

    // THEN
    expect(first).toHaveLength(512);
    expect(second).toHaveLength(512);
    expect(first).not.toEqual(second);
    expect(first).toMatch(/^[A-Za-z0-9_\-/.#]+$/);
  });

  test('is the same on every call', () => {
    expect(derivedLogGroupName('S', 'a b/c')).toEqual(derivedLogGroupName('S', 'a b/c'));
  });
});
