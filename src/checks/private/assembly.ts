import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, IPolicyValidationContext, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One synthesized template: a stack of the app, or a nested stack. */
export interface StackTemplate {
  /** The template file, absolute. */
  readonly templatePath: string;
  /** The template as CloudFormation receives it. */
  readonly template: any;
  /** For a nested stack: its `AWS::CloudFormation::Stack` resource in the parent template. */
  readonly parent?: { readonly stack: StackTemplate; readonly logicalId: string };
}

/** One resource of a synthesized template. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  /** `Properties` as synthesized: after overrides, injectors and mixins. */
  readonly properties: Record<string, any>;
  readonly stack: StackTemplate;
  /** The construct path of the L1 the resource came from, when the construct tree is known. */
  readonly constructPath?: string;
}

/**
 * Every template of a cloud assembly, with what is needed to follow a value from one template to
 * another: the exports of every stack (`Fn::ImportValue`) and the parameters each parent passes
 * to its nested stacks.
 */
export class SynthesizedApp {
  /**
   * The templates the validation framework names, and their nested stacks. The construct tree,
   * where the framework passes it (aws-cdk-lib 2.27x and later), gives construct paths and the
   * nested stack templates.
   */
  public static fromContext(context: IPolicyValidationContext): SynthesizedApp {
    const app = new SynthesizedApp();
    const tree = context.appConstruct ? constructTree(context.appConstruct) : undefined;
    for (const templatePath of context.templatePaths) {
      const stack = tree?.stacksByTemplate.get(path.resolve(templatePath));
      app.addTemplate(templatePath, undefined, stack?.node.path, tree, stack?.stackName);
    }
    return app;
  }

  public readonly resources: TemplateResource[] = [];
  /** Resources by template and logical id, and by type: rules look them up for every reference. */
  private readonly byLogicalId = new Map<StackTemplate, Map<string, TemplateResource>>();
  private readonly byType = new Map<string, TemplateResource[]>();
  private readonly exports = new Map<string, Located>();
  private readonly outputs = new Map<string, Located>();

  /** The resource a `Ref` or `Fn::GetAtt` in `stack` names. */
  public resource(stack: StackTemplate, logicalId: string): TemplateResource | undefined {
    return this.byLogicalId.get(stack)?.get(logicalId);
  }

  /** The resources of one type, in every template. */
  public resourcesOfType(type: string): TemplateResource[] {
    return this.byType.get(type) ?? [];
  }

  /** The value a stack of this app exports under `name` (`Fn::ImportValue`). */
  public exported(name: string): Located | undefined {
    return this.exports.get(name);
  }

  /** The value of an output of a stack of this app (`Fn::GetStackOutput`, the weak cross-stack reference). */
  public output(stackName: string, outputName: string): Located | undefined {
    return this.outputs.get(`${stackName}\u0000${outputName}`);
  }

  private addTemplate(templatePath: string, parent: StackTemplate['parent'], stackPath: string | undefined, tree: ConstructTree | undefined, stackName?: string): void {
    const stack: StackTemplate = { templatePath, template: JSON.parse(fs.readFileSync(templatePath, 'utf8')), parent };
    for (const [outputName, output] of Object.entries<any>(stack.template.Outputs ?? {})) {
      if (typeof output?.Export?.Name === 'string') {
        this.exports.set(output.Export.Name, { stack, value: output.Value });
      }
      if (stackName !== undefined) {
        this.outputs.set(`${stackName}\u0000${outputName}`, { stack, value: output.Value });
      }
    }
    this.byLogicalId.set(stack, new Map());
    for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      const constructPath = stackPath === undefined ? undefined : tree?.resourcePaths.get(`${stackPath}\u0000${logicalId}`);
      const added: TemplateResource = { logicalId, type: resource.Type, properties: resource.Properties ?? {}, stack, constructPath };
      this.resources.push(added);
      this.byLogicalId.get(stack)!.set(logicalId, added);
      const ofType = this.byType.get(added.type) ?? [];
      ofType.push(added);
      this.byType.set(added.type, ofType);
      const nested = constructPath === undefined ? undefined : tree?.nestedStackByResourcePath.get(constructPath);
      if (nested) {
        this.addTemplate(path.join(path.dirname(templatePath), nested.templateFile), { stack, logicalId }, nested.node.path, tree);
      }
    }
  }
}

/** A value of a template, with the template its references are relative to. */
export interface Located {
  readonly stack: StackTemplate;
  readonly value: unknown;
}

interface ConstructTree {
  readonly stacksByTemplate: Map<string, Stack>;
  /** Construct path of each L1, by `<stack path>\0<logical id>`. */
  readonly resourcePaths: Map<string, string>;
  /** Nested stacks, by the construct path of their `AWS::CloudFormation::Stack` resource. */
  readonly nestedStackByResourcePath: Map<string, NestedStack>;
}

function constructTree(root: IConstruct): ConstructTree {
  const tree: ConstructTree = { stacksByTemplate: new Map(), resourcePaths: new Map(), nestedStackByResourcePath: new Map() };
  for (const construct of root.node.findAll()) {
    if (Stack.isStack(construct) && !construct.nested) {
      // Each stage writes its stacks to its own assembly directory.
      tree.stacksByTemplate.set(path.resolve(Stage.of(construct)!.outdir, construct.templateFile), construct);
    }
    if (NestedStack.isNestedStack(construct) && construct.nestedStackResource) {
      tree.nestedStackByResourcePath.set(construct.nestedStackResource.node.path, construct);
    }
    if (CfnResource.isCfnResource(construct)) {
      const stack = Stack.of(construct);
      tree.resourcePaths.set(`${stack.node.path}\u0000${stack.resolve(construct.logicalId)}`, construct.node.path);
    }
  }
  return tree;
}
