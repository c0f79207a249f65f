import { yaml } from '../support/scripts.js';

/**
 * A script with every kind of way out, connected and open, removable and not: an ask's choices,
 * a condition's branch, request outcomes in a flow map and in a block map (with a comment), and
 * random blocks above and at their minimum of branches.
 */
export const WAYS = yaml`
  botflow: 1
  name: ways
  blocks:
    ask:
      type: ask
      text: Size?
      save: size
      choices:
        - { label: Small, next: done }
        - { label: Large }
      next: done
    check:
      type: condition
      branches:
        - if: "size == 'S'"
      else: done
    call:
      type: request
      url: https://crm.example
      on: { '404': done, timeout: }
    lookup:
      type: request
      url: https://crm.example/clients
      on:
        success: show   # the usual way
        '404': show
    split:
      type: random
      branches:
        - { weight: 1, next: done }
        - { weight: 3, next: done }
        - { weight: 4, next: nowhere }
    pick:
      type: random
      branches:
        - { weight: 1, next: show }
        - { weight: 1, next: lookup }
    calc: { type: bpl, set: { a: '1' } }
    show: { type: end }
    done: { type: end }
`;
