import type { ExpressionNode } from './ast.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The root variables and member paths a tree reads, in order of first use. A path runs while
 * keys are literal (`body.order.product`, `items[0].name`) and stops before a computed key
 * (`items[i]` gives `items` and `i`).
 */
export function readsOf(root: ExpressionNode): { variables: string[]; paths: string[] } {
  const variables = new Set<string>();
  const paths = new Set<string>();
  const visit = (node: ExpressionNode): void => {
    switch (node.kind) {
      case 'variable':
      case 'member': {
        const path = pathOf(node, visit);
        if (path !== undefined) paths.add(path);
        break;
      }
      case 'literal':
        break;
      case 'list':
        node.items.forEach(visit);
        break;
      case 'call':
        node.args.forEach(visit);
        break;
      case 'unary':
        visit(node.operand);
        break;
      case 'binary':
      case 'logical':
        visit(node.left);
        visit(node.right);
        break;
      case 'conditional':
        visit(node.test);
        visit(node.then);
        visit(node.otherwise);
        break;
    }
  };
  /** The literal path of a chain, visiting computed keys and non-variable roots on the way. */
  const pathOf = (node: ExpressionNode, visitOther: (node: ExpressionNode) => void): string | undefined => {
    if (node.kind === 'variable') {
      variables.add(node.name);
      return node.name;
    }
    if (node.kind !== 'member') {
      visitOther(node);
      return undefined;
    }
    const base = pathOf(node.object, visitOther);
    const { key } = node;
    if (key.kind !== 'literal') {
      visitOther(key);
      if (base !== undefined) paths.add(base);
      return undefined;
    }
    if (base === undefined) return undefined;
    return typeof key.value === 'string' && IDENTIFIER.test(key.value)
      ? `${base}.${key.value}`
      : `${base}[${JSON.stringify(key.value)}]`;
  };
  visit(root);
  return { variables: [...variables], paths: [...paths] };
}
