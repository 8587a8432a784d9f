import * as path from 'path';
import * as ts from 'typescript';

/** Where a base class and its props interface are declared in aws-cdk-lib. */
export interface BaseClass {
  /** The `.d.ts` file, relative to the aws-cdk-lib package. */
  readonly file: string;
  readonly className: string;
  readonly propsName: string;
}

export interface BaseApi {
  /** Public members of the class (methods, attributes, inherited ones included). */
  readonly members: string[];
  readonly props: string[];
}

/**
 * The installed aws-cdk-lib: under the floor jest project `aws-cdk-lib` maps to `aws-cdk-lib-floor`, and
 * `require.resolve` follows that mapping.
 */
export function installedAwsCdkLib(): { readonly root: string; readonly version: string } {
  const manifest = require.resolve('aws-cdk-lib/package.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { root: path.dirname(manifest), version: require(manifest).version };
}

/**
 * Every public member and prop of each base class, read from the installed aws-cdk-lib's declarations with the
 * TypeScript checker: a member or prop a new aws-cdk-lib version adds appears here, unclassified.
 */
export function readBaseApis(classes: BaseClass[]): BaseApi[] {
  const { root } = installedAwsCdkLib();
  const files = classes.map((base) => path.join(root, base.file));
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  return classes.map((base, index) => {
    const declarations = new Map<string, ts.Node>();
    ts.forEachChild(program.getSourceFile(files[index])!, (node) => {
      if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name) {
        declarations.set(node.name.text, node);
      }
    });
    const publicNames = (name: string) => {
      const node = declarations.get(name);
      if (!node) {
        throw new Error(`${name} is not declared in ${base.file} of ${root}`);
      }
      return checker.getPropertiesOfType(checker.getTypeAtLocation(node))
        .filter((symbol) => !isHidden(symbol))
        .map((symbol) => symbol.name);
    };
    return { members: publicNames(base.className), props: publicNames(base.propsName) };
  });
}

function isHidden(symbol: ts.Symbol): boolean {
  const declaration = symbol.declarations?.[0];
  const modifiers = declaration ? ts.getCombinedModifierFlags(declaration as ts.Declaration) : 0;
  // eslint-disable-next-line no-bitwise
  const hidden = (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
  return hidden || symbol.name.startsWith('_') || symbol.name.startsWith('#');
}
