import { describe, expect, test } from 'vitest';
import { copyBlocks, editScript, type EditOperation, type JsonValue } from '../../engine/index.js';
import { yaml } from '../support/scripts.js';
import { WAYS } from './fixtures.js';

/** The text an operation leaves; its changes, applied to the old text, give the same text. */
function edited(text: string, operation: EditOperation): string {
  const result = editScript(text, operation);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  let replayed = '';
  let at = 0;
  for (const change of result.changes) {
    replayed += text.slice(at, change.from) + change.insert;
    at = change.to;
  }
  expect(replayed + text.slice(at)).toBe(result.text);
  return result.text;
}

function refusal(text: string, operation: EditOperation): string {
  const result = editScript(text, operation);
  if (result.ok) throw new Error('the operation was not refused');
  return result.message;
}

const SCRIPT = yaml`
  # The fixture: comments everywhere.
  botflow: 1
  name: fixture   # a trailing comment
  start: greet
  blocks:
    # about greet
    greet:
      type: message
      # the words
      text: "Hello!"   # double quoted
      next: ask

    # about ask, after a blank line
    ask:
      type: ask
      text: 'Your name?'
      save: name
      on: { invalid: greet }
      # a note inside ask

    # ----- the end -----

    bye: { type: end, text: Bye }
  # the last comment
`;

describe('add-block', () => {
  test('a skeleton after a block, at the blocks’ column, set apart by a blank line', () => {
    expect(edited(SCRIPT, { kind: 'add-block', type: 'condition', after: 'greet' })).toBe(
      SCRIPT.replace(
        '    next: ask\n',
        "    next: ask\n\n  condition:\n    type: condition\n    branches:\n      - if: 'true'\n",
      ),
    );
  });

  test('at the end, after the last block’s own lines; a taken id gets -2', () => {
    const once = edited(SCRIPT, { kind: 'add-block', type: 'end' });
    expect(once).toBe(
      SCRIPT.replace(
        '  bye: { type: end, text: Bye }\n',
        '  bye: { type: end, text: Bye }\n\n  end:\n    type: end\n',
      ),
    );
    const result = editScript(once, { kind: 'add-block', type: 'end' });
    expect(result).toMatchObject({ ok: true, focus: 'end-2' });
  });

  test('a script without blocks gets its blocks map', () => {
    expect(edited('botflow: 1\nname: empty\n', { kind: 'add-block', type: 'message' })).toBe(
      "botflow: 1\nname: empty\nblocks:\n  message:\n    type: message\n    text: ''\n",
    );
    expect(
      edited('botflow: 1\nname: empty\nblocks: {}\n', { kind: 'add-block', type: 'end', id: 'done' }),
    ).toBe('botflow: 1\nname: empty\nblocks:\n  done:\n    type: end\n');
  });

  test('refuses an unknown type, a taken id, an id off the pattern and an unknown anchor', () => {
    expect(refusal(SCRIPT, { kind: 'add-block', type: 'video' })).toBe(
      'there is no block type "video": the types are message, ask, condition, request, bpl, end, random',
    );
    expect(refusal(SCRIPT, { kind: 'add-block', type: 'end', id: 'bye' })).toBe(
      'there is already a block "bye"',
    );
    expect(refusal(SCRIPT, { kind: 'add-block', type: 'end', id: '9lives' })).toMatch(
      /^"9lives" is not a block id/,
    );
    expect(refusal(SCRIPT, { kind: 'add-block', type: 'end', after: 'nowhere' })).toBe(
      'there is no block "nowhere"',
    );
  });
});

describe('delete-block', () => {
  test('removes the block, the comments directly above it and one blank line; the references stay', () => {
    expect(edited(SCRIPT, { kind: 'delete-block', id: 'ask' })).toBe(
      SCRIPT.replace(
        "  # about ask, after a blank line\n  ask:\n    type: ask\n    text: 'Your name?'\n    save: name\n    on: { invalid: greet }\n    # a note inside ask\n\n",
        '',
      ),
    );
  });

  test('the first block takes its comment; the last takes the blank line before it', () => {
    expect(edited(SCRIPT, { kind: 'delete-block', id: 'greet' })).toBe(
      SCRIPT.replace(
        '  # about greet\n  greet:\n    type: message\n    # the words\n    text: "Hello!"   # double quoted\n    next: ask\n\n',
        '',
      ),
    );
    expect(edited(SCRIPT, { kind: 'delete-block', id: 'bye' })).toBe(
      SCRIPT.replace(
        '  # ----- the end -----\n\n  bye: { type: end, text: Bye }\n',
        '  # ----- the end -----\n',
      ),
    );
  });
});

describe('rename-block', () => {
  test('changes the key and every reference, each in its own quotes', () => {
    const text = yaml`
      botflow: 1
      name: refs
      start: 'ask'
      on_error: ask
      blocks:
        "ask":
          type: ask
          text: Name?
          save: name
          choices:
            - { label: Again, next: ask }
            - label: Other
              next: "ask"
          on: { invalid: ask }
    `;
    expect(edited(text, { kind: 'rename-block', id: 'ask', to: 'question' })).toBe(yaml`
      botflow: 1
      name: refs
      start: 'question'
      on_error: question
      blocks:
        "question":
          type: ask
          text: Name?
          save: name
          choices:
            - { label: Again, next: question }
            - label: Other
              next: "question"
          on: { invalid: question }
    `);
  });

  test('refuses a taken id and an id off the pattern', () => {
    expect(refusal(SCRIPT, { kind: 'rename-block', id: 'ask', to: 'bye' })).toBe(
      'there is already a block "bye"',
    );
    expect(refusal(SCRIPT, { kind: 'rename-block', id: 'ask', to: 'two words' })).toMatch(
      /^"two words" is not a block id: it starts with a letter/,
    );
  });
});

describe('connect and disconnect', () => {
  test('a port already written is pointed elsewhere in place', () => {
    expect(edited(SCRIPT, { kind: 'connect', block: 'greet', port: 'next', to: 'bye' })).toBe(
      SCRIPT.replace('    next: ask\n', '    next: bye\n'),
    );
    expect(edited(SCRIPT, { kind: 'connect', block: 'ask', port: 'on.invalid', to: 'bye' })).toBe(
      SCRIPT.replace('on: { invalid: greet }', 'on: { invalid: bye }'),
    );
  });

  test('an open port is written where the block’s schema puts it', () => {
    expect(edited(SCRIPT, { kind: 'connect', block: 'ask', port: 'next', to: 'bye' })).toBe(
      SCRIPT.replace('    save: name\n', '    save: name\n    next: bye\n'),
    );
    expect(edited(SCRIPT, { kind: 'add-way', block: 'ask', way: 'choice', name: 'Later', to: 'bye' })).toBe(
      SCRIPT.replace(
        '    save: name\n',
        '    save: name\n    choices:\n      - label: Later\n        next: bye\n',
      ),
    );
  });

  test('disconnecting removes the target; a map left empty goes with it', () => {
    expect(edited(SCRIPT, { kind: 'disconnect', block: 'greet', port: 'next' })).toBe(
      SCRIPT.replace('    next: ask\n', ''),
    );
    expect(edited(SCRIPT, { kind: 'disconnect', block: 'ask', port: 'on.invalid' })).toBe(
      SCRIPT.replace('    on: { invalid: greet }\n', ''),
    );
  });

  test('refuses a port the block does not have', () => {
    expect(refusal(SCRIPT, { kind: 'connect', block: 'greet', port: 'else', to: 'bye' })).toBe(
      'the block "greet" has no way out "else"',
    );
  });
});

describe('set-field', () => {
  test('replaces a scalar in its own quotes, keeping the comment after it', () => {
    expect(edited(SCRIPT, { kind: 'set-field', block: 'greet', path: 'text', value: 'Hi, you' })).toBe(
      SCRIPT.replace('text: "Hello!"   # double quoted', 'text: "Hi, you"   # double quoted'),
    );
    expect(
      edited(SCRIPT, { kind: 'set-field', block: 'greet', path: 'text', value: `Hi, "you" and 'me'` }),
    ).toBe(
      SCRIPT.replace('text: "Hello!"   # double quoted', `text: "Hi, \\"you\\" and 'me'"   # double quoted`),
    );
  });

  test('quotes that would escape the new value’s own give way to the other kind; an empty text takes a new one’s style', () => {
    expect(edited(SCRIPT, { kind: 'set-field', block: 'greet', path: 'text', value: 'Hi, "you"' })).toBe(
      SCRIPT.replace('text: "Hello!"   # double quoted', `text: 'Hi, "you"'   # double quoted`),
    );
    const placeholder = edited(SCRIPT, { kind: 'set-field', block: 'greet', path: 'text', value: '' });
    expect(placeholder).toBe(SCRIPT.replace('text: "Hello!"', 'text: ""'));
    expect(edited(placeholder, { kind: 'set-field', block: 'greet', path: 'text', value: 'body.name' })).toBe(
      SCRIPT.replace('text: "Hello!"', 'text: body.name'),
    );
    expect(edited(placeholder, { kind: 'set-field', block: 'greet', path: 'text', value: "a != ''" })).toBe(
      SCRIPT.replace('text: "Hello!"', `text: "a != ''"`),
    );
  });

  test('inserts a missing key in the schema’s order, removes one, writes a map in block style', () => {
    expect(edited(SCRIPT, { kind: 'set-field', block: 'ask', path: 'retries', value: 3 })).toBe(
      SCRIPT.replace('    save: name\n', '    save: name\n    retries: 3\n'),
    );
    expect(edited(SCRIPT, { kind: 'set-field', block: 'greet', path: 'next', value: undefined })).toBe(
      SCRIPT.replace('    next: ask\n', ''),
    );
    expect(
      edited(SCRIPT, { kind: 'set-field', block: 'ask', path: 'expect', value: { pattern: '^[A-Z]' } }),
    ).toBe(SCRIPT.replace('    save: name\n', "    save: name\n    expect:\n      pattern: '^[A-Z]'\n"));
  });

  test('a text of several lines is a block (`|-`) where nothing follows it on its line, else in double quotes: a comment after it stays a comment', () => {
    const text = yaml`
      botflow: 1
      name: lines
      blocks:
        greet:
          type: message
          text: Hi
          buttons: ['Yes', No]   # the choices
          next: greet
    `;
    const buttons = (script: string, value: JsonValue) =>
      edited(script, { kind: 'set-field', block: 'greet', path: 'buttons', value });
    const written = (field: string) => text.replace(`buttons: ['Yes', No]`, field);
    expect(buttons(text, 'two\nlines')).toBe(written('buttons: "two\\nlines"'));
    expect(buttons(written('buttons: Yes'), ['two\nlines'])).toBe(written('buttons:\n      - "two\\nlines"'));
    expect(buttons(written('buttons:'), 'two\nlines')).toBe(written('buttons: "two\\nlines"'));
    const uncommented = text.replace('   # the choices', '');
    expect(buttons(uncommented, 'two\nlines')).toBe(
      uncommented.replace(`buttons: ['Yes', No]`, 'buttons: |-\n      two\n      lines'),
    );
  });

  test('a flow collection stays flow, its other values untouched', () => {
    expect(edited(SCRIPT, { kind: 'set-field', block: 'bye', path: 'result', value: 'done' })).toBe(
      SCRIPT.replace('bye: { type: end, text: Bye }', 'bye: { type: end, text: Bye, result: done }'),
    );
  });
});

describe('the file’s own conventions', () => {
  test('CRLF line endings stay CRLF', () => {
    const crlf = SCRIPT.replaceAll('\n', '\r\n');
    expect(edited(crlf, { kind: 'add-block', type: 'end', id: 'done', after: 'greet' })).toBe(
      crlf.replace('    next: ask\r\n', '    next: ask\r\n\r\n  done:\r\n    type: end\r\n'),
    );
    expect(edited(crlf, { kind: 'delete-block', id: 'bye' })).toBe(
      crlf.replace(
        '  # ----- the end -----\r\n\r\n  bye: { type: end, text: Bye }\r\n',
        '  # ----- the end -----\r\n',
      ),
    );
  });

  test('a file without a final line break stays without one', () => {
    const text = 'botflow: 1\nname: t\nblocks:\n  a:\n    type: end';
    expect(edited(text, { kind: 'add-block', type: 'end', id: 'b' })).toBe(`${text}\n\n  b:\n    type: end`);
    expect(edited(`${text}\n\n  b:\n    type: end`, { kind: 'delete-block', id: 'b' })).toBe(text);
    expect(edited(text, { kind: 'set-field', block: 'a', path: 'result', value: 'ok' })).toBe(
      `${text}\n    result: ok`,
    );
  });

  test('four-space indentation is kept for new blocks and fields', () => {
    const text = yaml`
      botflow: 1
      name: wide
      blocks:
          greet:
              type: message
              text: Hi
              branches: []
    `.replace('        branches: []\n', '');
    expect(edited(text, { kind: 'add-block', type: 'condition' })).toBe(
      `${text}\n    condition:\n        type: condition\n        branches:\n            - if: 'true'\n`,
    );
  });

  test('refuses broken YAML', () => {
    expect(refusal('blocks: [\n', { kind: 'add-block', type: 'end' })).toBe(
      'the YAML has an error on line 2, so the canvas cannot change it until it is fixed',
    );
  });
});

describe('add-way and remove-way', () => {
  test('an outcome is a key of `on`, named or the first free one, connected or open', () => {
    const result = editScript(WAYS, { kind: 'add-way', block: 'lookup', way: 'outcome', to: 'show' });
    expect(result).toMatchObject({ ok: true, port: 'on.error' });
    expect(result.ok && result.text).toBe(
      WAYS.replace("    '404': show\n", "    '404': show\n      error: show\n"),
    );
    expect(edited(WAYS, { kind: 'add-way', block: 'lookup', way: 'outcome', name: 'timeout' })).toBe(
      WAYS.replace("    '404': show\n", "    '404': show\n      timeout:\n"),
    );
    expect(refusal(WAYS, { kind: 'add-way', block: 'lookup', way: 'outcome', name: '404' })).toBe(
      'the outcome 404 is routed already',
    );
    expect(refusal(WAYS, { kind: 'add-way', block: 'show', way: 'branch' })).toBe(
      'the block "show" takes no new branch',
    );
  });

  test('a branch is appended to a list of flow items as one more flow item', () => {
    const result = editScript(WAYS, { kind: 'add-way', block: 'pick', way: 'branch' });
    expect(result).toMatchObject({ ok: true, port: 'branches[2].next' });
    expect(result.ok && result.text).toBe(
      WAYS.replace(
        '      - { weight: 1, next: lookup }\n',
        '      - { weight: 1, next: lookup }\n      - { weight: 50 }\n',
      ),
    );
  });

  test('removing a way takes its lines; the schema’s minimum stays', () => {
    expect(edited(WAYS, { kind: 'remove-way', block: 'lookup', port: 'on.success' })).toBe(
      WAYS.replace('      success: show   # the usual way\n', ''),
    );
    expect(refusal(WAYS, { kind: 'remove-way', block: 'pick', port: 'branches[0].next' })).toBe(
      'the way out "branches[0].next" of "pick" cannot be removed',
    );
  });
});

describe('set-entry', () => {
  test('start and on_error are written in the format’s order, replaced in place, removed', () => {
    expect(edited(SCRIPT, { kind: 'set-entry', entry: 'on_error', to: 'bye' })).toBe(
      SCRIPT.replace('start: greet\n', 'start: greet\non_error: bye\n'),
    );
    expect(edited(SCRIPT, { kind: 'set-entry', entry: 'start', to: 'ask' })).toBe(
      SCRIPT.replace('start: greet\n', 'start: ask\n'),
    );
    expect(edited(SCRIPT, { kind: 'set-entry', entry: 'start', to: undefined })).toBe(
      SCRIPT.replace('start: greet\n', ''),
    );
  });
});

describe('copy and paste', () => {
  test('copies blocks with their own comments, at column 0, in file order', () => {
    expect(copyBlocks(SCRIPT, ['bye', 'greet'])).toBe(yaml`
      # about greet
      greet:
        type: message
        # the words
        text: "Hello!"   # double quoted
        next: ask

      bye: { type: end, text: Bye }
    `);
    expect(() => copyBlocks(SCRIPT, ['nowhere'])).toThrow('there is no block "nowhere"');
  });

  test('pasting renames colliding ids, follows the copies’ own edges, keeps edges to blocks the script has', () => {
    const snippet = copyBlocks(SCRIPT, ['greet', 'ask']);
    const result = editScript(SCRIPT, { kind: 'paste', blocks: snippet, after: 'greet' });
    expect(result).toMatchObject({ ok: true, focus: 'greet-2', renamed: { greet: 'greet-2', ask: 'ask-2' } });
    expect(result.ok && result.text).toBe(
      SCRIPT.replace(
        '    next: ask\n',
        '    next: ask\n\n' +
          '  # about greet\n  greet-2:\n    type: message\n    # the words\n    text: "Hello!"   # double quoted\n    next: ask-2\n\n' +
          "  # about ask, after a blank line\n  ask-2:\n    type: ask\n    text: 'Your name?'\n    save: name\n    on: { invalid: greet-2 }\n    # a note inside ask\n",
      ),
    );
  });

  test('an edge to a block the destination lacks is removed, an emptied map with it', () => {
    const snippet = copyBlocks(SCRIPT, ['ask']);
    const destination = 'botflow: 1\nname: other\nblocks:\n  start:\n    type: end\n';
    expect(edited(destination, { kind: 'paste', blocks: snippet })).toBe(
      `${destination}\n  # about ask, after a blank line\n  ask:\n    type: ask\n    text: 'Your name?'\n    save: name\n    # a note inside ask\n`,
    );
  });

  test('refuses a clipboard without blocks', () => {
    expect(refusal(SCRIPT, { kind: 'paste', blocks: 'just some text' })).toMatch(
      /^the clipboard holds no blocks/,
    );
  });
});

describe('a script started from nothing', () => {
  test('the first block of an empty file writes the header, named as the edit is told', () => {
    expect(edited('', { kind: 'add-block', type: 'message' })).toBe(
      "botflow: 1\nname: new-script\nblocks:\n  message:\n    type: message\n    text: ''\n",
    );
    const result = editScript('', { kind: 'add-block', type: 'end' }, { name: 'client identification' });
    expect(result.ok && result.text).toBe(
      "botflow: 1\nname: 'client identification'\nblocks:\n  end:\n    type: end\n",
    );
  });

  test('a file of comments keeps them above the header', () => {
    expect(edited('# A new script.\n', { kind: 'add-block', type: 'end', id: 'done' })).toBe(
      '# A new script.\nbotflow: 1\nname: new-script\nblocks:\n  done:\n    type: end\n',
    );
  });

  test('a skeleton with two equal branches writes both, never a YAML alias', () => {
    expect(edited('', { kind: 'add-block', type: 'random' })).toBe(
      'botflow: 1\nname: new-script\nblocks:\n  random:\n    type: random\n    branches:\n      - weight: 50\n      - weight: 50\n',
    );
  });
});

describe('set-script-field', () => {
  test('name, description and variables are written in the format’s order, replaced in place, removed', () => {
    const described = edited(SCRIPT, {
      kind: 'set-script-field',
      path: 'description',
      value: 'Greets the client.',
    });
    expect(described).toBe(
      SCRIPT.replace('start: greet\n', "description: 'Greets the client.'\nstart: greet\n"),
    );
    const declared = edited(described, { kind: 'set-script-field', path: 'variables.age', value: 0 });
    expect(declared).toBe(described.replace('blocks:\n', 'variables:\n  age: 0\nblocks:\n'));
    expect(edited(declared, { kind: 'set-script-field', path: 'variables.city', value: '' })).toBe(
      described.replace('blocks:\n', "variables:\n  age: 0\n  city: ''\nblocks:\n"),
    );
    expect(edited(declared, { kind: 'set-script-field', path: 'name', value: 'greeter' })).toBe(
      declared.replace('name: fixture   #', 'name: greeter   #'),
    );
    expect(edited(declared, { kind: 'set-script-field', path: 'variables.age', value: undefined })).toBe(
      described,
    );
  });

  test('on an empty file the field comes after the header, and a name is the header’s', () => {
    expect(edited('', { kind: 'set-script-field', path: 'variables.cl_data', value: '' })).toBe(
      "botflow: 1\nname: new-script\nvariables:\n  cl_data: ''\n",
    );
    expect(edited('', { kind: 'set-script-field', path: 'name', value: 'greeter' })).toBe(
      'botflow: 1\nname: greeter\n',
    );
  });

  test('refuses a path deeper than the field: a name and a description are texts, a variable a name', () => {
    for (const path of ['name.x', 'description.a', 'variables[0]', 'variables.city.x'])
      expect(refusal(SCRIPT, { kind: 'set-script-field', path, value: 'x' })).toMatch(/has no parts to set$/);
  });

  test('an entry set on an empty file comes after the header too', () => {
    expect(edited('', { kind: 'set-entry', entry: 'start', to: 'greet' })).toBe(
      'botflow: 1\nname: new-script\nstart: greet\n',
    );
  });

  test('refuses the fields other operations own', () => {
    for (const path of ['blocks.greet', 'start', 'botflow', 'on_error', 'names'])
      expect(refusal(SCRIPT, { kind: 'set-script-field', path, value: 'x' })).toMatch(
        /is not a field of the script the form sets: name, description, variables, env$/,
      );
  });
});

describe('an empty flow collection', () => {
  test('a skeleton’s `{}` takes its first entry in the block style around it; a non-empty flow map stays flow', () => {
    const script = edited('', { kind: 'add-block', type: 'bpl', id: 'unpack' });
    expect(script).toBe('botflow: 1\nname: new-script\nblocks:\n  unpack:\n    type: bpl\n    set: {}\n');
    expect(
      edited(script, { kind: 'set-field', block: 'unpack', path: 'set.age', value: 'toNumber(age)' }),
    ).toBe(script.replace('    set: {}\n', "    set:\n      age: 'toNumber(age)'\n"));
    const flow = script.replace('set: {}', 'set: { a: b }');
    expect(edited(flow, { kind: 'set-field', block: 'unpack', path: 'set.age', value: '1' })).toBe(
      flow.replace('{ a: b }', "{ a: b, age: '1' }"),
    );
  });
});

describe('a flow collection over several lines', () => {
  test('keeps its comments and its lines’ indentation when an entry is added', () => {
    const text =
      "botflow: 1\nname: x\nblocks:\n  crm:\n    type: request\n    url: 'https://example.com/'\n" +
      '    retry: {\n      attempts: 3, # three tries\n      backoff: 1s\n    }\n';
    expect(edited(text, { kind: 'set-field', block: 'crm', path: 'retry.on', value: ['5xx'] })).toBe(
      text.replace('      backoff: 1s\n', "      backoff: 1s,\n      on: [ '5xx' ]\n"),
    );
  });
});
