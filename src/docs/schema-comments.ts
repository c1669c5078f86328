import ts from 'typescript';

/**
 * The descriptions the org files' schema has: the JSDoc comments on the fields and schemas of
 * `buildSchemas` in src/org/schema.ts, read from its source with the TypeScript compiler (zod keeps
 * no comments at run time). Keys are a schema's variable and the path of fields inside its object
 * literals: `engineSettingsSchema` (the schema's own comment), `engineSettingsSchema.queue_checks.every_seconds`.
 * Only `npm run docs` and its test use this (TypeScript is a development dependency).
 */
export interface SchemaComments {
  /** Comment keyed by `variable` or `variable.field.field`. */
  comments: Map<string, string>;
  /** Variables whose fields a schema's object literal spreads in (`...mcpCommon`), by the schema's variable. */
  spreads: Map<string, string[]>;
}

/** The text of a node's JSDoc comments, joined and on one line; undefined when it has none. */
function jsDocText(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  if (docs === undefined || docs.length === 0) return undefined;
  const text = docs
    .map((doc) => (typeof doc.comment === 'string' ? doc.comment : (doc.comment ?? []).map((part) => part.text).join('')))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : text;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

/** The comments of `buildSchemas` in the TypeScript source given. */
export function schemaComments(source: string, fileName = 'src/org/schema.ts'): SchemaComments {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const comments = new Map<string, string>();
  const spreads = new Map<string, string[]>();

  const collect = (node: ts.Node, variable: string, path: string[]): void => {
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (ts.isSpreadAssignment(property) && ts.isIdentifier(property.expression)) {
          spreads.set(variable, [...(spreads.get(variable) ?? []), property.expression.text]);
          continue;
        }
        if (!ts.isPropertyAssignment(property)) continue;
        const name = propertyName(property.name);
        if (name === undefined) continue;
        const fieldPath = [...path, name];
        const text = jsDocText(property);
        if (text !== undefined) comments.set([variable, ...fieldPath].join('.'), text);
        collect(property.initializer, variable, fieldPath);
      }
      return;
    }
    ts.forEachChild(node, (child) => collect(child, variable, path));
  };

  const visit = (node: ts.Node): void => {
    // `buildSchemas` (schema.ts) and the parts it builds from files of their own (`buildBudgetSchemas`, `buildMemorySchemas`).
    if (ts.isFunctionDeclaration(node) && /^build\w*Schemas$/.test(node.name?.text ?? '') && node.body !== undefined) {
      for (const statement of node.body.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
          const variable = declaration.name.text;
          const text = jsDocText(statement);
          if (text !== undefined) comments.set(variable, text);
          collect(declaration.initializer, variable, []);
        }
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { comments, spreads };
}
