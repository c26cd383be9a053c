using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// The types a value can have at run time, when every source of it is known: a <c>new T(…)</c>; a
    /// value whose static type is a sealed class; a local whose every assignment is known; a call to a
    /// method of this compilation, run on a known receiver or with one body, whose every <c>return</c> is
    /// known (an async method's returns, <c>Task.FromResult</c>, <c>ConfigureAwait</c> looked through
    /// when it is awaited; <c>this</c> returned is the receiver); a field or auto-property only its own
    /// type can write (private, readonly, get-only or with a private setter) whose every assignment is known; a property getter read the same
    /// way as a method; a parameter of a private or internal method that is neither virtual nor an
    /// interface implementation, never used but called, whose every call site passes a known value.
    /// <c>null</c> adds nothing; anything else unknown, a cycle or a bound makes the whole answer unknown.
    /// Answers are kept per compilation, each with the files it read, which a caller's result records as
    /// read (<see cref="Recorder"/>): a scan of every file (an internal method's call sites) counts as reading all of
    /// them.
    /// </summary>
    internal sealed class CreationTypes
    {
        /// <summary>How deep one question may go (calls, locals, fields, parameters followed).</summary>
        private const int MaxDepth = 24;

        /// <summary>How many values one question may look at.</summary>
        private const int MaxWork = 2000;

        private readonly Compilation _compilation;
        private readonly System.Func<SyntaxTree, SemanticModel> _models;
        private readonly ConcurrentDictionary<object, Answer> _memo = new();
        private readonly ConcurrentDictionary<SyntaxNode, Dictionary<ILocalSymbol, List<IOperation>?>> _bodies = new();
        private readonly ConcurrentDictionary<SyntaxTree, HashSet<string>> _names = new();

        /// <summary>The locals' assignments of bodies read from the trees at hand, for as long as each tree lives.</summary>
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, Dictionary<ILocalSymbol, List<IOperation>?>> _atHand = new();

        public CreationTypes(Compilation compilation, System.Func<SyntaxTree, SemanticModel> models)
        {
            _compilation = compilation;
            _models = models;
        }

        /// <summary>A finished answer: the types (default when unknown) and what was read for it.</summary>
        internal sealed class Answer
        {
            public Answer(ImmutableArray<INamedTypeSymbol> types, ImmutableArray<SyntaxTree> read, bool everywhere)
            {
                Types = types;
                Read = read;
                Everywhere = everywhere;
            }

            public ImmutableArray<INamedTypeSymbol> Types { get; }

            public ImmutableArray<SyntaxTree> Read { get; }

            public bool Everywhere { get; }

            /// <summary>Records what this answer read as read by the current computation.</summary>
            public void Note()
            {
                if (Recorder.Current is not { } recorder)
                {
                    return;
                }

                foreach (var tree in Read)
                {
                    recorder.Trees.Add(TreeRecord.Of(tree).Stamp);
                }

                if (Everywhere)
                {
                    Recorder.NoteDelegates();
                }
            }
        }

        private sealed class Frame
        {
            private HashSet<SyntaxTree>? _read;

            public Frame? Parent { get; set; }

            public int Depth { get; set; }

            public bool Everywhere { get; set; }

            /// <summary>A cycle or bound was met: the (unknown) answer depends on where the question started and is not kept.</summary>
            public bool Cut { get; set; }

            public void Read(SyntaxTree tree) => (_read ??= new HashSet<SyntaxTree>()).Add(tree);

            public void Read(ImmutableArray<SyntaxTree> trees)
            {
                if (!trees.IsEmpty)
                {
                    (_read ??= new HashSet<SyntaxTree>()).UnionWith(trees);
                }
            }

            public ImmutableArray<SyntaxTree> Trees => _read is null ? ImmutableArray<SyntaxTree>.Empty : _read.ToImmutableArray();
        }

        /// <summary>One question: the frames of the answers in progress, innermost on top. Allocates nothing more for a value known on the spot.</summary>
        private sealed class Query
        {
            private HashSet<object>? _open;

            public Frame Top { get; set; } = new();

            public int Work { get; set; }

            /// <summary>The tree the question was asked from, when it is a whole body: its locals are read from it rather than from a second binding.</summary>
            public IOperation? AtHand { get; set; }

            public HashSet<object> Open => _open ??= new HashSet<object>();
        }

        private static readonly Answer s_unknown = new(default, ImmutableArray<SyntaxTree>.Empty, false);

        /// <summary>The runtime types <paramref name="value"/> can have (default when unknown), with what was read to know it.</summary>
        public Answer Of(IOperation value)
        {
            var unwrapped = value;
            while (unwrapped is IConversionOperation { OperatorMethod: null } conversion)
            {
                unwrapped = conversion.Operand;
            }

            if (unwrapped is IInstanceReferenceOperation && unwrapped.Type is not INamedTypeSymbol { IsSealed: true })
            {
                // `this` in a body read on its own: nothing says which subclass it is.
                return s_unknown;
            }

            var root = value;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            var query = new Query { AtHand = root is IMethodBodyBaseOperation or IBlockOperation ? root : null };
            var types = Value(value, query, default, false);
            var frame = query.Top;
            return types is null && frame.Trees.IsEmpty && !frame.Everywhere
                ? s_unknown
                : new Answer(types is null ? default : types.ToImmutableArray(), frame.Trees, frame.Everywhere);
        }

        private List<INamedTypeSymbol>? Value(IOperation? value, Query query, ImmutableArray<INamedTypeSymbol> self, bool awaited)
        {
            if (value is null)
            {
                return null;
            }

            if (++query.Work > MaxWork || query.Top.Depth > MaxDepth)
            {
                query.Top.Cut = true;
                return null;
            }

            while (true)
            {
                if (value is IConversionOperation { OperatorMethod: null } conversion)
                {
                    value = conversion.Operand;
                }
                else if (value is IParenthesizedOperation parenthesized)
                {
                    value = parenthesized.Operand;
                }
                else
                {
                    break;
                }
            }

            if (!awaited && value.Type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsSealed: true } sealedType)
            {
                return new List<INamedTypeSymbol> { sealedType };
            }

            if (awaited && IsTask(value.Type) && value.Type is INamedTypeSymbol { TypeArguments.Length: 1 } taskType
                && taskType.TypeArguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Class, IsSealed: true } result)
            {
                return new List<INamedTypeSymbol> { result };
            }

            if (value.ConstantValue is { HasValue: true, Value: null } || value is IDefaultValueOperation)
            {
                return new List<INamedTypeSymbol>();
            }

            switch (value)
            {
                case IFlowCaptureReferenceOperation capture:
                    // A graph's capture: read the expression it stands for as the compiler bound it.
                    var bound = _models(capture.Syntax.SyntaxTree).GetOperation(capture.Syntax);
                    return bound is null or IFlowCaptureReferenceOperation ? null : Value(bound, query, self, awaited);
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return Union(Value(conditional.WhenTrue, query, self, awaited), whenFalse, query, self, awaited);
                case ICoalesceOperation coalesce:
                    return Union(Value(coalesce.Value, query, self, awaited), coalesce.WhenNull, query, self, awaited);
                case ILocalReferenceOperation local:
                    return Local(local.Local, query, awaited);
                case IParameterReferenceOperation parameter:
                    return Parameter(parameter.Parameter, query, awaited);
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } when !awaited:
                    return self.IsDefault ? null : self.ToList();
            }

            if (awaited)
            {
                switch (value)
                {
                    case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task } when IsTask(task.Type):
                        return Value(task, query, self, true);
                    case IInvocationOperation { TargetMethod: { Name: "FromResult", IsStatic: true } fromResult, Arguments.Length: 1 } invocation when IsTask(fromResult.ContainingType):
                        return Value(invocation.Arguments[0].Value, query, default, false);
                    case IObjectCreationOperation { Arguments.Length: 1 } creation when IsTask(creation.Type) && creation.Arguments[0].Value.Type is { TypeKind: not TypeKind.Delegate } argumentType
                        && creation.Type is INamedTypeSymbol { TypeArguments.Length: 1 } created && SymbolEqualityComparer.Default.Equals(created.TypeArguments[0], argumentType):
                        return Value(creation.Arguments[0].Value, query, default, false);
                    case IInvocationOperation invocation:
                        return Returned(invocation, query, awaited);
                    case IFieldReferenceOperation field:
                        return Field(field.Field, query, awaited);
                    case IPropertyReferenceOperation property:
                        return Property(property, query, awaited);
                    case IAwaitOperation:
                        return null;
                }

                return null;
            }

            return value switch
            {
                IObjectCreationOperation { Type: INamedTypeSymbol created } => new List<INamedTypeSymbol> { created },
                IAwaitOperation awaitOperation => Value(awaitOperation.Operation, query, default, true),
                IInvocationOperation invocation => Returned(invocation, query, false),
                IFieldReferenceOperation field => Field(field.Field, query, false),
                IPropertyReferenceOperation property => Property(property, query, false),
                _ => null,
            };
        }

        private List<INamedTypeSymbol>? Union(List<INamedTypeSymbol>? first, IOperation second, Query query, ImmutableArray<INamedTypeSymbol> self, bool awaited)
        {
            if (first is null)
            {
                return null;
            }

            var other = Value(second, query, self, awaited);
            return other is null ? null : AddAll(first, other);
        }

        private static List<INamedTypeSymbol> AddAll(List<INamedTypeSymbol> into, List<INamedTypeSymbol> from)
        {
            foreach (var type in from)
            {
                if (!into.Contains(type, SymbolEqualityComparer.Default))
                {
                    into.Add(type);
                }
            }

            return into;
        }

        private static bool IsTask(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "Task" or "ValueTask", ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.Threading.Tasks";

        /// <summary>A question answered once per compilation, with the files it read; a question already open on this path is a cycle.</summary>
        private List<INamedTypeSymbol>? Kept(object key, Query query, System.Func<List<INamedTypeSymbol>?> compute)
        {
            if (_memo.TryGetValue(key, out var kept))
            {
                var top = query.Top;
                top.Read(kept.Read);
                top.Everywhere |= kept.Everywhere;
                return kept.Types.IsDefault ? null : kept.Types.ToList();
            }

            if (!query.Open.Add(key))
            {
                query.Top.Cut = true;
                return null;
            }

            var parent = query.Top;
            var frame = new Frame { Parent = parent, Depth = parent.Depth + 1 };
            query.Top = frame;
            List<INamedTypeSymbol>? types;
            try
            {
                types = compute();
            }
            finally
            {
                query.Top = parent;
                query.Open.Remove(key);
            }

            var read = frame.Trees;
            var answer = new Answer(types is null ? default : types.ToImmutableArray(), read, frame.Everywhere);
            if (!frame.Cut)
            {
                _memo.TryAdd(key, answer);
            }

            parent.Read(read);
            parent.Everywhere |= frame.Everywhere;
            parent.Cut |= frame.Cut;
            return types;
        }

        private List<INamedTypeSymbol>? Local(ILocalSymbol local, Query query, bool awaited) => Kept((local, awaited), query, () =>
        {
            if (local.IsRef || local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator
                || Enclosing(declarator) is not { } body)
            {
                return null;
            }

            query.Top.Read(body.SyntaxTree);
            var assignments = query.AtHand is { } atHand && atHand.Syntax == body
                ? _atHand.GetValue(atHand, AssignmentsIn)
                : _bodies.GetOrAdd(body, b => Assignments(b));
            if (!assignments.TryGetValue(local, out var values) || values is null)
            {
                return null;
            }

            var result = new List<INamedTypeSymbol>();
            foreach (var value in values)
            {
                if (Value(value, query, default, awaited) is not { } types)
                {
                    return null;
                }

                AddAll(result, types);
            }

            return result;
        });

        /// <summary>The member declaration whose body holds <paramref name="node"/>.</summary>
        private static SyntaxNode? Enclosing(SyntaxNode node)
        {
            for (var n = node.Parent; n is not null; n = n.Parent)
            {
                switch (n)
                {
                    case AccessorDeclarationSyntax:
                    case BaseMethodDeclarationSyntax:
                        return n;
                    case ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax }:
                        return n;
                    case MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        /// <summary>Every value assigned to each local of a body; null for a local written any other way.</summary>
        private Dictionary<ILocalSymbol, List<IOperation>?> Assignments(SyntaxNode body) =>
            _models(body.SyntaxTree).GetOperation(body) is { } root ? AssignmentsIn(root) : new(SymbolEqualityComparer.Default);

        private static Dictionary<ILocalSymbol, List<IOperation>?> AssignmentsIn(IOperation root)
        {
            var map = new Dictionary<ILocalSymbol, List<IOperation>?>(SymbolEqualityComparer.Default);

            void Add(ILocalSymbol local, IOperation value)
            {
                if (!map.TryGetValue(local, out var values))
                {
                    map[local] = new List<IOperation> { value };
                }
                else
                {
                    values?.Add(value);
                }
            }

            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer()?.Value is { } initial:
                        Add(declarator.Symbol, initial);
                        break;
                    case ILocalReferenceOperation reference when Writes(reference) is var (written, value) && written:
                        if (value is null)
                        {
                            map[reference.Local] = null;
                        }
                        else
                        {
                            Add(reference.Local, value);
                        }

                        break;
                }
            }

            return map;
        }

        /// <summary>Whether a reference to a variable writes it, and the value written when that is a plain assignment.</summary>
        private static (bool Written, IOperation? Value) Writes(IOperation reference)
        {
            var parent = reference.Parent;
            switch (parent)
            {
                case ISimpleAssignmentOperation simple when simple.Target == reference:
                    return (true, simple.IsRef ? null : simple.Value);
                case ICoalesceAssignmentOperation coalesce when coalesce.Target == reference:
                    return (true, coalesce.Value);
                case IAssignmentOperation assignment when assignment.Target == reference:
                case IIncrementOrDecrementOperation:
                case IDeclarationExpressionOperation:
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                    return (true, null);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.IsRef: true } }:
                    // `ref var x = ref field;`: written through the alias.
                    return (true, null);
            }

            for (var up = parent; up is ITupleOperation; up = up.Parent)
            {
                if (up.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == up
                    || up.Parent is IDeclarationExpressionOperation)
                {
                    return (true, null);
                }
            }

            if (parent is IArgumentOperation { Parameter: null } || parent is IInvalidOperation)
            {
                return (true, null);
            }

            return (false, null);
        }

        /// <summary>What a call returns: the bodies it can run (by the receiver's known types, or the one body there is), each one's returns.</summary>
        private List<INamedTypeSymbol>? Returned(IInvocationOperation invocation, Query query, bool awaited)
        {
            var method = invocation.TargetMethod;
            if (method.IsAsync != awaited && method.IsAsync)
            {
                return null;
            }

            return Ran(method, invocation.Instance, invocation.IsVirtual, query, awaited);
        }

        private List<INamedTypeSymbol>? Property(IPropertyReferenceOperation reference, Query query, bool awaited)
        {
            var property = reference.Property;
            if (property.GetMethod is not { } getter)
            {
                return null;
            }

            if (!property.IsVirtual && !property.IsAbstract && !property.IsOverride && BackingField(property) is not null)
            {
                // A get-only auto-property is set by its type's constructors and initializers only.
                return Stored(property.OriginalDefinition, property.SetMethod?.DeclaredAccessibility ?? Accessibility.Private, query, awaited);
            }

            return Ran(getter, reference.Instance, reference.Instance is { } instance && instance.Syntax is not BaseExpressionSyntax
                && (property.IsVirtual || property.IsAbstract || property.IsOverride), query, awaited);
        }

        private static IFieldSymbol? BackingField(IPropertySymbol property)
        {
            foreach (var member in property.ContainingType.GetMembers())
            {
                if (member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
                {
                    return field;
                }
            }

            return null;
        }

        private List<INamedTypeSymbol>? Ran(IMethodSymbol method, IOperation? instance, bool dispatched, Query query, bool awaited)
        {
            var receiver = default(ImmutableArray<INamedTypeSymbol>);
            if (instance is not null && !method.IsStatic)
            {
                var types = Value(instance, query, default, false);
                receiver = types is null ? default : types.ToImmutableArray();
            }

            if (!dispatched || !(method.IsVirtual || method.IsAbstract || method.IsOverride))
            {
                return Returns(method, receiver, query, awaited);
            }

            if (receiver.IsDefault)
            {
                return null;
            }

            var result = new List<INamedTypeSymbol>();
            foreach (var type in receiver)
            {
                if (ImplementationFor(type, method) is not { } runs || Returns(runs, ImmutableArray.Create(type), query, awaited) is not { } types)
                {
                    return null;
                }

                AddAll(result, types);
            }

            return result;
        }

        /// <summary>What the body of <paramref name="method"/> returns when <c>this</c> is one of <paramref name="self"/>.</summary>
        private List<INamedTypeSymbol>? Returns(IMethodSymbol method, ImmutableArray<INamedTypeSymbol> self, Query query, bool awaited)
        {
            if (method.IsAsync && !awaited || method.IsAbstract || method.IsExtern || method.MethodKind == MethodKind.LambdaMethod)
            {
                return null;
            }

            var definition = method.PartialImplementationPart ?? method;
            object key = self.IsDefault
                ? (definition.OriginalDefinition, awaited)
                : (definition.OriginalDefinition, awaited, string.Join(",", self.Select(t => t.ToDisplayString())));
            return Kept(key, query, () =>
            {
                SyntaxNode? body = null;
                foreach (var reference in definition.OriginalDefinition.DeclaringSyntaxReferences)
                {
                    if (_compilation.ContainsSyntaxTree(reference.SyntaxTree))
                    {
                        body = reference.GetSyntax();
                        break;
                    }
                }

                if (body is null || body is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax))
                {
                    return null;
                }

                query.Top.Read(body.SyntaxTree);
                var root = _models(body.SyntaxTree).GetOperation(body);
                if (root is null)
                {
                    return null;
                }

                var inner = method.IsAsync ? false : awaited;
                var result = new List<INamedTypeSymbol>();
                var returns = 0;
                var stack = new Stack<IOperation>();
                stack.Push(root);
                while (stack.Count > 0)
                {
                    var operation = stack.Pop();
                    if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        continue;
                    }

                    if (operation is IReturnOperation returned)
                    {
                        if (returned.Kind != OperationKind.Return)
                        {
                            return null;
                        }

                        if (returned.ReturnedValue is { } value)
                        {
                            returns++;
                            if (Value(value, query, self, inner) is not { } types)
                            {
                                return null;
                            }

                            AddAll(result, types);
                        }

                        continue;
                    }

                    foreach (var child in operation.ChildOperations)
                    {
                        stack.Push(child);
                    }
                }

                return returns == 0 ? null : result;
            });
        }

        private List<INamedTypeSymbol>? Field(IFieldSymbol field, Query query, bool awaited) =>
            field.IsConst || field.AssociatedSymbol is IPropertySymbol ? null : Stored(field.OriginalDefinition, field.IsReadOnly ? Accessibility.Private : null, query, awaited);

        /// <summary>
        /// The values stored in a field or auto-property: its initializer and every assignment where it can be
        /// assigned (<paramref name="writable"/>, when narrower than the member), in the files of its type.
        /// </summary>
        private List<INamedTypeSymbol>? Stored(ISymbol member, Accessibility? writable, Query query, bool awaited) => Kept((member, awaited), query, () =>
        {
            // Only where its own type's files are all that can write it: a search of every file for an internal member's writes
            // costs more than it finds.
            if (ScopeOf(member, writable) is not true)
            {
                return null;
            }

            var result = new List<INamedTypeSymbol>();
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax() switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer,
                    PropertyDeclarationSyntax property => property.Initializer,
                    _ => null,
                };
                if (initializer is not null)
                {
                    query.Top.Read(initializer.SyntaxTree);
                    var value = (_models(initializer.SyntaxTree).GetOperation(initializer) as ISymbolInitializerOperation)?.Value;
                    if (Value(value, query, default, awaited) is not { } types)
                    {
                        return null;
                    }

                    AddAll(result, types);
                }
            }

            foreach (var (_, operation) in References(member, true, query, MayWrite))
            {
                if (operation is not (IFieldReferenceOperation or IPropertyReferenceOperation))
                {
                    continue;
                }

                var (written, value) = Writes(operation);
                if (!written)
                {
                    continue;
                }

                if (Value(value, query, default, awaited) is not { } types)
                {
                    return null;
                }

                AddAll(result, types);
            }

            return result;
        });

        /// <summary>The values passed for a parameter of a private or internal method at every call site.</summary>
        private List<INamedTypeSymbol>? Parameter(IParameterSymbol parameter, Query query, bool awaited) => Kept((parameter.OriginalDefinition, awaited), query, () =>
        {
            if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsVirtual: false, IsAbstract: false, IsOverride: false } method
                || parameter.RefKind is not (RefKind.None or RefKind.In) || parameter.IsParams || !method.ExplicitInterfaceImplementations.IsEmpty
                || Implements(method) || ScopeOf(method, null) is not { } scope)
            {
                return null;
            }

            // The parameter keeps what it was called with (read from the text: a name written there, even another's, gives up).
            foreach (var declaration in method.DeclaringSyntaxReferences)
            {
                query.Top.Read(declaration.SyntaxTree);
                foreach (var token in declaration.GetSyntax().DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == parameter.Name && token.Parent is IdentifierNameSyntax name && MayWrite(name))
                    {
                        return null;
                    }
                }
            }

            var result = new List<INamedTypeSymbol>();
            foreach (var (node, _) in References(method, scope, query, null))
            {
                if (node.Parent is not InvocationExpressionSyntax invocationSyntax || invocationSyntax.Expression != node
                    || _models(node.SyntaxTree).GetOperation(invocationSyntax) is not IInvocationOperation invocation)
                {
                    // Used but not called (a method group): what it is given is not known.
                    return null;
                }

                var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter is { } p && p.Ordinal == parameter.Ordinal);
                if (argument is null || argument.ArgumentKind == ArgumentKind.ParamArray || Value(argument.Value, query, default, awaited) is not { } types)
                {
                    return null;
                }

                AddAll(result, types);
            }

            return result;
        });

        private static bool Implements(IMethodSymbol method)
        {
            foreach (var @interface in method.ContainingType.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Where <paramref name="member"/> can be written or called: its type's files (private), every file (internal); null when code elsewhere can.</summary>
        private static bool? ScopeOf(ISymbol member, Accessibility? writable)
        {
            var accessibility = writable ?? member.DeclaredAccessibility;
            if (accessibility == Accessibility.Private)
            {
                return true;
            }

            var visible = accessibility is Accessibility.Internal or Accessibility.ProtectedAndInternal;
            for (var type = member.ContainingType; !visible && type is not null; type = type.ContainingType)
            {
                visible = type.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal;
            }

            if (!visible && accessibility is Accessibility.Protected or Accessibility.ProtectedOrInternal && member.ContainingType is { IsSealed: true })
            {
                visible = true;
            }

            return visible ? false : null;
        }

        /// <summary>The names that bind to <paramref name="member"/>, with their operations, in its type's files (<paramref name="own"/>) or in every file.</summary>
        /// <param name="wanted">Which uses to bind, read from the text (null: all): the others are left unbound.</param>
        private IEnumerable<(SyntaxNode Node, IOperation? Operation)> References(ISymbol member, bool own, Query query, System.Func<SyntaxNode, bool>? wanted)
        {
            IEnumerable<SyntaxTree> trees;
            if (own)
            {
                trees = member.ContainingType.DeclaringSyntaxReferences.Select(r => r.SyntaxTree).Distinct();
            }
            else
            {
                query.Top.Everywhere = true;
                trees = _compilation.SyntaxTrees;
            }

            var definition = member.OriginalDefinition;
            foreach (var tree in trees)
            {
                if (!_compilation.ContainsSyntaxTree(tree))
                {
                    continue;
                }

                query.Top.Read(tree);
                if (!_names.GetOrAdd(tree, Names).Contains(member.Name))
                {
                    continue;
                }

                var model = _models(tree);
                foreach (var token in tree.GetRoot().DescendantTokens())
                {
                    if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != member.Name || token.Parent is not SimpleNameSyntax name)
                    {
                        continue;
                    }

                    SyntaxNode node = name;
                    if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node || node.Parent is MemberBindingExpressionSyntax)
                    {
                        node = node.Parent;
                    }

                    if (wanted is not null && !wanted(node))
                    {
                        continue;
                    }

                    var info = model.GetSymbolInfo(name);
                    var bound = info.Symbol ?? (info.CandidateSymbols.Length > 0 ? info.CandidateSymbols[0] : null);
                    if (bound is IMethodSymbol { ReducedFrom: { } reduced })
                    {
                        bound = reduced;
                    }

                    if (bound is not null && SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, definition))
                    {
                        yield return (node, model.GetOperation(node));
                    }
                }
            }
        }

        /// <summary>Whether the text may write the variable <paramref name="node"/> names: assigned, incremented, passed by <c>ref</c>/<c>out</c>, aliased, deconstructed into.</summary>
        private static bool MayWrite(SyntaxNode node)
        {
            var parent = node.Parent;
            switch (parent)
            {
                case AssignmentExpressionSyntax assignment:
                    return assignment.Left == node;
                case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax:
                    return parent.IsKind(SyntaxKind.PreIncrementExpression) || parent.IsKind(SyntaxKind.PreDecrementExpression)
                        || parent.IsKind(SyntaxKind.PostIncrementExpression) || parent.IsKind(SyntaxKind.PostDecrementExpression);
                case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword):
                case RefExpressionSyntax:
                    return true;
                case ArgumentSyntax { Parent: TupleExpressionSyntax tuple }:
                    for (SyntaxNode up = tuple; ; up = up.Parent!)
                    {
                        switch (up.Parent)
                        {
                            case ArgumentSyntax { Parent: TupleExpressionSyntax }:
                                up = up.Parent;
                                continue;
                            case AssignmentExpressionSyntax deconstruction:
                                return deconstruction.Left == up;
                            default:
                                return false;
                        }
                    }

                default:
                    return false;
            }
        }

        /// <summary>The identifiers a file uses, to skip the files that cannot name a member.</summary>
        private static HashSet<string> Names(SyntaxTree tree)
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var token in tree.GetRoot().DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    names.Add(token.ValueText);
                }
            }

            return names;
        }

        /// <summary>
        /// The body <paramref name="method"/> runs on a receiver of runtime type <paramref name="type"/>: the implementation of an
        /// interface member, or the nearest override of a virtual one; null when it cannot be told.
        /// </summary>
        public static IMethodSymbol? ImplementationFor(INamedTypeSymbol type, IMethodSymbol method)
        {
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsAbstract)
            {
                return null;
            }

            if (method.ContainingType.TypeKind == TypeKind.Interface)
            {
                return type.FindImplementationForInterfaceMember(method) as IMethodSymbol is { IsAbstract: false } implementation ? implementation : null;
            }

            var definition = method.OriginalDefinition;
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers(method.Name))
                {
                    if (member is not IMethodSymbol candidate)
                    {
                        continue;
                    }

                    for (var m = candidate; m is not null; m = m.OverriddenMethod)
                    {
                        if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, definition))
                        {
                            return candidate.IsAbstract ? null : candidate;
                        }
                    }
                }
            }

            return null;
        }
    }
}
