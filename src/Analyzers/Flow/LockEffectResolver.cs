using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Contracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// Turns operations into lock effects: BCL primitives by their known semantics, everything
    /// else by its contract; and names the lock an expression denotes.
    /// </summary>
    internal sealed class LockEffectResolver
    {
        private const int MaxUnwrapDepth = 8;

        private readonly LockContractModel _model;
        private readonly ValueOrigins _origins;

        public LockEffectResolver(LockContractModel model, ValueOrigins origins)
        {
            _model = model;
            _origins = origins;
        }

        public LockContractModel Model => _model;

        public ValueOrigins Origins => _origins;

        /// <summary>The effects of a call, in the order they happen: requirements, releases, acquisitions.</summary>
        public ImmutableArray<LockEffect> EffectsOf(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var primitive = PrimitiveEffects(invocation, method);
            if (primitive is not null)
            {
                return primitive.Value;
            }

            return ContractEffects(method, invocation.Instance, invocation.Arguments, invocation);
        }

        public ImmutableArray<LockEffect> EffectsOf(IPropertyReferenceOperation reference)
        {
            var isWrite = reference.Parent is IAssignmentOperation assignment && assignment.Target == reference;
            var accessor = isWrite ? reference.Property.SetMethod : reference.Property.GetMethod;
            return accessor is null ? ImmutableArray<LockEffect>.Empty : ContractEffects(accessor, reference.Instance, reference.Arguments, reference);
        }

        public ImmutableArray<LockEffect> EffectsOf(IObjectCreationOperation creation) =>
            creation.Constructor is null ? ImmutableArray<LockEffect>.Empty : ContractEffects(creation.Constructor, null, creation.Arguments, creation);

        /// <summary>True when the operation could have any lock effect; a cheap test before building a graph.</summary>
        public static bool MayAffectLocks(IOperation operation, LockContractModel model)
        {
            switch (operation)
            {
                case ILockOperation:
                    return true;
                case IInvocationOperation invocation:
                    return IsPrimitiveType(invocation.TargetMethod.ContainingType, model.Symbols)
                        || (invocation.Instance is not null && IsPrimitiveType(invocation.Instance.Type, model.Symbols))
                        || !model.GetContract(invocation.TargetMethod).IsEmpty;
                case IPropertyReferenceOperation property:
                    return model.Symbols.HasAnnotations
                        && ((property.Property.GetMethod is { } get && !model.GetContract(get).IsEmpty)
                            || (property.Property.SetMethod is { } set && !model.GetContract(set).IsEmpty));
                case IObjectCreationOperation creation:
                    return model.Symbols.HasAnnotations && creation.Constructor is not null && !model.GetContract(creation.Constructor).IsEmpty;
                default:
                    return false;
            }
        }

        private static bool IsPrimitiveType(ITypeSymbol? type, KnownSymbols symbols) =>
            KnownSymbols.Is(type, symbols.Monitor)
            || KnownSymbols.Is(type, symbols.ThreadingLock)
            || KnownSymbols.IsOrDerives(type, symbols.ReaderWriterLockSlim)
            || KnownSymbols.IsOrDerives(type, symbols.SemaphoreSlim)
            || KnownSymbols.IsOrDerives(type, symbols.Mutex)
            || KnownSymbols.Is(type, symbols.SpinLock);

        private ImmutableArray<LockEffect>? PrimitiveEffects(IInvocationOperation invocation, IMethodSymbol method)
        {
            var symbols = _model.Symbols;
            var type = method.ContainingType;
            var name = method.Name;
            if (KnownSymbols.Is(type, symbols.Monitor))
            {
                if (invocation.Arguments.Length == 0)
                {
                    return ImmutableArray<LockEffect>.Empty;
                }

                var target = ResolveObject(ArgumentValue(invocation.Arguments[0]), LockPrimitive.Monitor);
                var flag = LastRefBool(invocation);
                return name switch
                {
                    "Enter" => One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "Monitor.Enter", flag),
                    "TryEnter" => WaitsForever(invocation)
                        ? One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "Monitor.TryEnter", flag ?? invocation)
                        : One(target, EffectKind.TryAcquire, LockMode.Exclusive, invocation, "Monitor.TryEnter", flag),
                    "Exit" => One(target, EffectKind.Release, LockMode.Exclusive, invocation, "Monitor.Exit"),
                    "Wait" => One(target, EffectKind.TemporarilyRelease, LockMode.Exclusive, invocation, "Monitor.Wait"),
                    "Pulse" or "PulseAll" => One(target, EffectKind.RequireHeld, LockMode.Exclusive, invocation, "Monitor." + name),
                    _ => ImmutableArray<LockEffect>.Empty,
                };
            }

            var receiverType = invocation.Instance?.Type;
            if (KnownSymbols.Is(type, symbols.ThreadingLock))
            {
                var target = ResolveObject(invocation.Instance, LockPrimitive.ThreadingLock);
                return name switch
                {
                    "Enter" => One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "Lock.Enter"),
                    "TryEnter" => WaitsForever(invocation)
                        ? One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "Lock.TryEnter", invocation)
                        : One(target, EffectKind.TryAcquire, LockMode.Exclusive, invocation, "Lock.TryEnter"),
                    "Exit" => One(target, EffectKind.Release, LockMode.Exclusive, invocation, "Lock.Exit"),
                    "EnterScope" => One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "Lock.EnterScope", scope: true),
                    _ => ImmutableArray<LockEffect>.Empty,
                };
            }

            if (KnownSymbols.IsOrDerives(receiverType, symbols.ReaderWriterLockSlim))
            {
                var target = ResolveObject(invocation.Instance, LockPrimitive.ReaderWriterLockSlim);
                var mode = name.Contains("Upgradeable") ? LockMode.Upgradeable : name.Contains("Read") ? LockMode.Shared : LockMode.Exclusive;
                var display = "ReaderWriterLockSlim." + name;
                if (name.StartsWith("TryEnter", System.StringComparison.Ordinal))
                {
                    return WaitsForever(invocation)
                        ? One(target, EffectKind.Acquire, mode, invocation, display, invocation)
                        : One(target, EffectKind.TryAcquire, mode, invocation, display);
                }

                if (name.StartsWith("Enter", System.StringComparison.Ordinal))
                {
                    return One(target, EffectKind.Acquire, mode, invocation, display);
                }

                if (name.StartsWith("Exit", System.StringComparison.Ordinal))
                {
                    return One(target, EffectKind.Release, mode, invocation, display);
                }

                return ImmutableArray<LockEffect>.Empty;
            }

            if (KnownSymbols.IsOrDerives(receiverType, symbols.SemaphoreSlim))
            {
                var target = ResolveObject(invocation.Instance, LockPrimitive.SemaphoreSlim);
                switch (name)
                {
                    case "Wait":
                        return method.ReturnsVoid || WaitsForever(invocation)
                            ? One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "SemaphoreSlim.Wait", method.ReturnsVoid ? null : invocation)
                            : One(target, EffectKind.TryAcquire, LockMode.Exclusive, invocation, "SemaphoreSlim.Wait");
                    case "WaitAsync":
                        var returnsBool = method.ReturnType is INamedTypeSymbol { IsGenericType: true } task
                            && task.TypeArguments.Length == 1 && task.TypeArguments[0].SpecialType == SpecialType.System_Boolean;
                        return returnsBool && !WaitsForever(invocation)
                            ? One(target, EffectKind.TryAcquire, LockMode.Exclusive, invocation, "SemaphoreSlim.WaitAsync")
                            : One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "SemaphoreSlim.WaitAsync", returnsBool ? invocation : null);
                    case "Release":
                        return One(target, EffectKind.Release, LockMode.Exclusive, invocation, "SemaphoreSlim.Release");
                    default:
                        return ImmutableArray<LockEffect>.Empty;
                }
            }

            if (KnownSymbols.IsOrDerives(receiverType, symbols.Mutex))
            {
                var target = ResolveObject(invocation.Instance, LockPrimitive.Mutex);
                return name switch
                {
                    "WaitOne" => method.Parameters.Length == 0 || WaitsForever(invocation)
                        ? One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "Mutex.WaitOne", invocation)
                        : One(target, EffectKind.TryAcquire, LockMode.Exclusive, invocation, "Mutex.WaitOne"),
                    "ReleaseMutex" => One(target, EffectKind.Release, LockMode.Exclusive, invocation, "Mutex.ReleaseMutex"),
                    _ => ImmutableArray<LockEffect>.Empty,
                };
            }

            if (KnownSymbols.Is(receiverType, symbols.SpinLock))
            {
                var target = ResolveObject(invocation.Instance, LockPrimitive.SpinLock);
                var flag = LastRefBool(invocation);
                return name switch
                {
                    "Enter" => One(target, EffectKind.Acquire, LockMode.Exclusive, invocation, "SpinLock.Enter", flag),
                    "TryEnter" => One(target, EffectKind.TryAcquire, LockMode.Exclusive, invocation, "SpinLock.TryEnter", flag),
                    "Exit" => One(target, EffectKind.Release, LockMode.Exclusive, invocation, "SpinLock.Exit"),
                    _ => ImmutableArray<LockEffect>.Empty,
                };
            }

            return null;
        }

        private static ImmutableArray<LockEffect> One(
            LockIdentity? target, EffectKind kind, LockMode mode, IOperation site, string name, object? flag = null, bool scope = false)
        {
            if (target is null)
            {
                return ImmutableArray<LockEffect>.Empty;
            }

            return ImmutableArray.Create(new LockEffect(kind, target, mode, site, name)
            {
                TakenFlag = flag,
                ReturnsScope = scope,
                SharedSuffices = kind == EffectKind.TemporarilyRelease,
            });
        }

        private static object? LastRefBool(IInvocationOperation invocation)
        {
            if (invocation.Arguments.Length == 0)
            {
                return null;
            }

            var last = invocation.Arguments[invocation.Arguments.Length - 1];
            if (last.Parameter?.RefKind is RefKind.Ref or RefKind.Out && last.Parameter.Type.SpecialType == SpecialType.System_Boolean)
            {
                return ValueKey(last.Value);
            }

            return null;
        }

        /// <summary>
        /// A try-acquisition that waits forever always succeeds: its timeout is -1 (<c>Timeout.Infinite</c>) or
        /// <c>Timeout.InfiniteTimeSpan</c>. It is an acquisition, and its result (always true) says so.
        /// </summary>
        private static bool WaitsForever(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is not { } parameter || !parameter.Name.Contains("imeout"))
                {
                    continue;
                }

                var value = argument.Value;
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                return value.ConstantValue is { HasValue: true, Value: -1 }
                    || value is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } }
                    || value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus, Operand.ConstantValue: { HasValue: true, Value: 1 } };
            }

            return false;
        }

        /// <summary>The key a value is tracked under: its local, its flow capture, or the operation itself.</summary>
        public static object? ValueKey(IOperation? value) => value switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFlowCaptureReferenceOperation capture => capture.Id,
            IConversionOperation conversion => ValueKey(conversion.Operand),
            IAwaitOperation awaited => ValueKey(awaited.Operation),
            IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task } when IsTaskOfBool(task.Type) => ValueKey(task),
            null => null,
            _ => value,
        };

        /// <summary><c>Task&lt;bool&gt;</c> or <c>ValueTask&lt;bool&gt;</c>: <c>await sem.WaitAsync(timeout).ConfigureAwait(false)</c> is the try-acquire's result.</summary>
        private static bool IsTaskOfBool(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1 } named
            && named.TypeArguments[0].SpecialType == SpecialType.System_Boolean
            && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

        private ImmutableArray<LockEffect> ContractEffects(IMethodSymbol method, IOperation? receiver, ImmutableArray<IArgumentOperation> arguments, IOperation site)
        {
            var contract = _model.GetContract(method);
            if (contract.Claims.IsEmpty && contract.States.IsEmpty)
            {
                return ImmutableArray<LockEffect>.Empty;
            }

            var name = DisplayName(method);
            var first = new List<LockEffect>();
            var releases = new List<LockEffect>();
            var acquires = new List<LockEffect>();
            var acquiresSeveral = contract.Claims.Count(c => c.Kind is ClaimKind.Acquires or ClaimKind.TryAcquires) > 1;

            foreach (var claim in contract.Claims)
            {
                var target = CallTarget(claim, method, receiver, arguments, site);
                var identity = ResolveClaim(claim, target.Path, target.Type, target.Operation, method);
                if (identity is null)
                {
                    continue;
                }

                var effect = claim.Kind switch
                {
                    ClaimKind.Acquires => new LockEffect(EffectKind.Acquire, identity, claim.Mode, site, name)
                    {
                        ReturnsScope = ReturnsDisposable(method),
                        OrderedByCallee = acquiresSeveral,
                        ExplicitNesting = claim.Nested,
                    },
                    ClaimKind.TryAcquires => new LockEffect(EffectKind.TryAcquire, identity, claim.Mode, site, name) { WhenReturns = claim.WhenReturns },
                    ClaimKind.Releases => new LockEffect(EffectKind.Release, identity, claim.Mode, site, name) { AnyMode = true },
                    ClaimKind.RequiresHeld => new LockEffect(EffectKind.RequireHeld, identity, claim.Mode, site, name) { SharedSuffices = claim.Mode != LockMode.Exclusive },
                    ClaimKind.Excludes => new LockEffect(EffectKind.Exclude, identity, claim.Mode, site, name),
                    ClaimKind.AssertsHeld => new LockEffect(EffectKind.AssertHeld, identity, claim.Mode, site, name),
                    _ => new LockEffect(EffectKind.TemporarilyRelease, identity, claim.Mode, site, name) { SharedSuffices = true },
                };

                (effect.Kind switch
                {
                    EffectKind.Release => releases,
                    EffectKind.Acquire or EffectKind.TryAcquire or EffectKind.AssertHeld => acquires,
                    _ => first,
                }).Add(effect);
            }

            var established = new List<LockEffect>();
            foreach (var stateClaim in contract.States)
            {
                var pseudo = new LockClaim(ClaimKind.RequiresHeld, stateClaim.ValidWhileHeld, stateClaim.On, LockMode.Exclusive, true, stateClaim.Attribute);
                var target = CallTarget(pseudo, method, receiver, arguments, site);
                var owner = target.Path ?? (stateClaim.On == "this" && method.IsStatic ? "static:" + method.ContainingType.Name : null);
                if (owner is null)
                {
                    continue;
                }

                var endsWith = stateClaim.ValidWhileHeld is null ? null : ResolveClaim(pseudo, target.Path, target.Type, target.Operation, method);
                var effect = new LockEffect(
                    stateClaim.Establishes ? EffectKind.EstablishState : EffectKind.RequireState,
                    endsWith ?? new LockIdentity(null, null, null, Shorten(owner), LockPrimitive.Custom), LockMode.Exclusive, site, name)
                {
                    StateName = stateClaim.State,
                    StateOwner = owner,
                    StateEndsWithLock = endsWith is not null,
                };
                (stateClaim.Establishes ? established : first).Insert(stateClaim.Establishes ? established.Count : 0, effect);
            }

            first.AddRange(releases);
            first.AddRange(acquires);
            first.AddRange(established);
            return first.ToImmutableArray();
        }

        private (string? Path, ITypeSymbol? Type, IOperation? Operation) CallTarget(
            LockClaim claim, IMethodSymbol method, IOperation? receiver, ImmutableArray<IArgumentOperation> arguments, IOperation site)
        {
            if (claim.IsOnThis)
            {
                if (receiver is null)
                {
                    return method.IsStatic || method.MethodKind == MethodKind.Constructor ? (null, method.ContainingType, null) : (null, null, null);
                }

                return (PathOf(receiver), receiver.Type, receiver);
            }

            if (claim.IsOnReturn)
            {
                var consumer = site.Parent;
                while (consumer is IConversionOperation or IAwaitOperation)
                {
                    consumer = consumer.Parent;
                }

                if (consumer is ISimpleAssignmentOperation assignment)
                {
                    return (PathOf(assignment.Target), method.ReturnType, assignment.Target);
                }

                return (null, method.ReturnType, null);
            }

            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == claim.On)
                {
                    var value = ArgumentValue(argument);
                    return (PathOf(value), value?.Type ?? argument.Parameter.Type, value);
                }
            }

            return (null, null, null);
        }

        private static IOperation? ArgumentValue(IArgumentOperation argument) => argument.Value;

        /// <summary>
        /// The lock a claim denotes for a target: a nameless claim means the target object itself; a
        /// named one means the target's lock of that class, precise to the instance when the
        /// target's type declares that lock, otherwise known only by class.
        /// </summary>
        public LockIdentity? ResolveClaim(LockClaim claim, string? targetPath, ITypeSymbol? targetType, IOperation? targetOperation, IMethodSymbol method)
        {
            if (claim.Name is null)
            {
                if (targetOperation is not null)
                {
                    return ResolveObject(targetOperation, null);
                }

                return targetPath is null ? null : new LockIdentity(null, null, targetPath, Shorten(targetPath), _model.PrimitiveOf(targetType));
            }

            var member = _model.FindLockMember(targetType, claim.Name);
            if (member is null && claim.IsOnThis && method.IsStatic)
            {
                member = _model.FindLockMember(method.ContainingType, claim.Name);
            }

            var primitive = member is null ? LockPrimitive.Custom : _model.PrimitiveOf(MemberType(member));
            if (member is not null && member.IsStatic)
            {
                var staticName = member.ContainingType.Name + "." + member.Name;
                return new LockIdentity("static:" + member.ContainingType.Name, claim.Name, staticName, staticName, primitive, AllowsRecursion(member, primitive));
            }

            if (member is not null && targetPath is not null)
            {
                var path = targetPath + "." + member.Name;
                return new LockIdentity(targetPath, claim.Name, path, Shorten(path), primitive, AllowsRecursion(member, primitive));
            }

            return new LockIdentity(null, claim.Name, null, targetPath is null ? claim.Name : Shorten(targetPath) + "'s " + claim.Name, primitive);
        }

        /// <summary>The lock an expression denotes, or null when it cannot be named (silence beats a guess).</summary>
        public LockIdentity? ResolveObject(IOperation? expression, LockPrimitive? primitiveHint)
        {
            var value = Unwrap(expression);
            switch (value)
            {
                case IFieldReferenceOperation field:
                    return MemberLock(field.Field, field.Instance, value, primitiveHint);
                case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                    return MemberLock(property.Property, property.Instance, value, primitiveHint);
                case IInstanceReferenceOperation instance when instance.Type is not null:
                    return new LockIdentity("this", instance.Type.Name, "this", "this", LockPrimitive.Monitor);
                case IParameterReferenceOperation parameter:
                    var parameterPrimitive = primitiveHint ?? _model.PrimitiveOf(parameter.Type);

                    // A semaphore passed in was created where the analysis cannot see how many slots it has:
                    // a counting throttle as often as a lock (silence beats a guess).
                    if (parameterPrimitive == LockPrimitive.SemaphoreSlim && !_model.IsOneSlotSemaphore(parameter.Parameter))
                    {
                        return null;
                    }

                    var parameterClass = TypeClass(parameter.Type, parameterPrimitive);
                    return new LockIdentity(parameterClass is null ? null : parameter.Parameter.Name, parameterClass, parameter.Parameter.Name, parameter.Parameter.Name, parameterPrimitive);
                case ILocalReferenceOperation local:
                    var primitive = primitiveHint ?? _model.PrimitiveOf(local.Type);
                    if (primitive == LockPrimitive.SemaphoreSlim && !_model.IsOneSlotSemaphore(local.Local))
                    {
                        return null;
                    }

                    var localClass = ElementClass(local) ?? TypeClass(local.Type, primitive);
                    return new LockIdentity(localClass is null ? null : local.Local.Name, localClass, local.Local.Name, local.Local.Name, primitive,
                        primitive == LockPrimitive.ReaderWriterLockSlim && _model.AllowsRecursion(local.Local));
                case ITypeOfOperation typeOf:
                    var text = "typeof(" + typeOf.TypeOperand.Name + ")";
                    return new LockIdentity(null, null, text, text, LockPrimitive.Monitor);
                default:
                    return null;
            }
        }

        private LockIdentity? MemberLock(ISymbol member, IOperation? instance, IOperation reference, LockPrimitive? primitiveHint)
        {
            var primitive = primitiveHint ?? _model.PrimitiveOf(MemberType(member));
            if (primitive == LockPrimitive.SemaphoreSlim && !_model.IsOneSlotSemaphore(member))
            {
                return null;
            }

            var lockClass = _model.ClassOf(member);
            var recursion = AllowsRecursion(member, primitive);
            if (member.IsStatic)
            {
                var name = member.ContainingType.Name + "." + member.Name;
                return new LockIdentity("static:" + member.ContainingType.Name, lockClass, name, name, primitive, recursion);
            }

            var owner = PathOf(instance);
            if (owner is null)
            {
                return new LockIdentity(null, lockClass, null, Truncate(reference.Syntax.ToString()), primitive, recursion);
            }

            var path = owner + "." + member.Name;
            return new LockIdentity(owner, lockClass, path, Shorten(path), primitive, recursion);
        }

        private bool AllowsRecursion(ISymbol member, LockPrimitive primitive) =>
            primitive == LockPrimitive.ReaderWriterLockSlim && _model.AllowsRecursion(member);

        private static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            _ => null,
        };

        /// <summary>What a conditional access instance stands for: the receiver of the access whose WhenNotNull part holds it.</summary>
        private static IOperation? ConditionalReceiver(IOperation instance)
        {
            var child = instance;
            for (var parent = instance.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access && ReferenceEquals(access.WhenNotNull, child))
                {
                    return access.Operation;
                }
            }

            return null;
        }

        /// <summary>An access path for a value: <c>this</c>, a parameter, a local, or fields and properties of those.</summary>
        public string? PathOf(IOperation? operation)
        {
            var value = Unwrap(operation);
            switch (value)
            {
                case IInstanceReferenceOperation:
                    return "this";
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.Name;
                case ILocalReferenceOperation local:
                    return local.Local.Name;
                case IFieldReferenceOperation field:
                    return MemberPath(field.Field, field.Instance);
                case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                    return MemberPath(property.Property, property.Instance);
                default:
                    return null;
            }
        }

        private string? MemberPath(ISymbol member, IOperation? instance)
        {
            if (member.IsStatic)
            {
                return member.ContainingType.Name + "." + member.Name;
            }

            var owner = PathOf(instance);
            return owner is null ? null : owner + "." + member.Name;
        }

        /// <summary>Looks through conversions, flow captures and locals assigned once from a path.</summary>
        private IOperation? Unwrap(IOperation? operation)
        {
            for (var depth = 0; operation is not null && depth < MaxUnwrapDepth; depth++)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IConditionalAccessInstanceOperation:
                        // The receiver of `_m?.WaitOne()` in an operation tree (a graph has a flow capture there instead):
                        // the access whose WhenNotNull part holds it (in `a?.B?.C` the instance in `.B` is `a`).
                        if (ConditionalReceiver(operation) is not { } receiver)
                        {
                            return operation;
                        }

                        operation = receiver;
                        continue;
                    case IFlowCaptureReferenceOperation capture:
                        var captured = _origins.CaptureValue(capture.Id);
                        if (captured is null)
                        {
                            return operation;
                        }

                        operation = captured;
                        continue;
                    case ILocalReferenceOperation local:
                        // An alias only when what it was assigned can be named (not `var page` of a foreach, from Current).
                        var assigned = _origins.LocalValue(local.Local);
                        if (assigned is null || !IsPathLike(assigned) || !IsNameable(assigned))
                        {
                            return operation;
                        }

                        operation = assigned;
                        continue;
                    default:
                        return operation;
                }
            }

            return operation;
        }

        /// <summary>
        /// The class of a monitor lock on a value with no named origin: its static type, when that is one of the
        /// program's own classes (<c>lock (activation)</c> with an <c>Activation</c> parameter is class
        /// <c>Activation</c>, the class of <c>lock (this)</c> inside <c>Activation</c>). A value typed <c>object</c>,
        /// a string, an interface or a library type stays unnamed: silence beats a guess. The class is the
        /// static type at the acquisition, so a base class's <c>lock (this)</c> and a lock on a value typed
        /// as a derived class are two classes.
        /// </summary>
        private static string? TypeClass(ITypeSymbol? type, LockPrimitive primitive) =>
            primitive == LockPrimitive.Monitor && type is INamedTypeSymbol { TypeKind: TypeKind.Class } named
            && named.SpecialType == SpecialType.None && !named.Locations.IsEmpty && named.Locations[0].IsInSource
                ? named.Name
                : null;

        /// <summary>
        /// The class of a lock on a <c>foreach</c> variable over a field's or property's elements:
        /// <c>foreach (var queue in _queues) lock (queue)</c> is class <c>T._queues[]</c>, one class for the
        /// elements of that member.
        /// </summary>
        private string? ElementClass(ILocalReferenceOperation local)
        {
            if (_origins.LocalValue(local.Local) is not IPropertyReferenceOperation { Property.Name: "Current", Instance: { } enumerator })
            {
                return null;
            }

            var source = Unwrap(enumerator);
            if (source is IInvocationOperation { TargetMethod.Name: "GetEnumerator", Instance: { } collection })
            {
                source = Unwrap(collection);
            }

            return source switch
            {
                IFieldReferenceOperation field => _model.ClassOf(field.Field) + "[]",
                IPropertyReferenceOperation { Arguments.IsEmpty: true } property => _model.ClassOf(property.Property) + "[]",
                _ => null,
            };
        }

        /// <summary>True when the value's access path ends in <c>this</c>, a parameter, a local or a static member.</summary>
        private bool IsNameable(IOperation? operation)
        {
            for (var depth = 0; operation is not null && depth < MaxUnwrapDepth * 2; depth++)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IInstanceReferenceOperation or IParameterReferenceOperation or ILocalReferenceOperation:
                        return true;
                    case IFieldReferenceOperation field:
                        if (field.Field.IsStatic)
                        {
                            return true;
                        }

                        operation = field.Instance;
                        continue;
                    case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                        if (property.Property.IsStatic)
                        {
                            return true;
                        }

                        operation = property.Instance;
                        continue;
                    case IFlowCaptureReferenceOperation capture:
                        operation = _origins.CaptureValue(capture.Id);
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static bool IsPathLike(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation is IFieldReferenceOperation or IInstanceReferenceOperation or IParameterReferenceOperation
                || operation is IPropertyReferenceOperation { Arguments.IsEmpty: true }
                || operation is ILocalReferenceOperation;
        }

        /// <summary>A scope to dispose: a type with Dispose(), or a Task or ValueTask of one (awaited before the using).</summary>
        private static bool ReturnsDisposable(IMethodSymbol method)
        {
            if (method.ReturnsVoid)
            {
                return false;
            }

            var type = method.ReturnType;
            if (type is INamedTypeSymbol { IsGenericType: true, Name: "Task" or "ValueTask", TypeArguments.Length: 1 } task)
            {
                type = task.TypeArguments[0];
            }

            if (type.SpecialType == SpecialType.System_Boolean)
            {
                return false;
            }

            foreach (var member in type.GetMembers("Dispose"))
            {
                if (member is IMethodSymbol { Parameters.IsEmpty: true })
                {
                    return true;
                }
            }

            return type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_IDisposable);
        }

        /// <summary>Where a call reads in the source: <c>handler?.Invoke()</c> whole, not just its <c>.Invoke()</c> part.</summary>
        public static Location CallLocation(IOperation call)
        {
            var syntax = call.Syntax;
            while (syntax.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.ConditionalAccessExpressionSyntax access && access.WhenNotNull == syntax)
            {
                syntax = access;
            }

            return syntax.GetLocation();
        }

        public static string DisplayName(IMethodSymbol method)
        {
            if (method.MethodKind == MethodKind.AnonymousFunction)
            {
                return method.ContainingSymbol is IMethodSymbol container ? "a lambda in " + DisplayName(container) : "a lambda";
            }

            var type = method.ContainingType?.Name;
            var name = method.MethodKind switch
            {
                MethodKind.Constructor => "new " + type,
                MethodKind.PropertyGet or MethodKind.PropertySet => method.AssociatedSymbol?.Name ?? method.Name,
                _ => method.Name,
            };
            return method.MethodKind == MethodKind.Constructor || type is null ? name : type + "." + name;
        }

        private static string Shorten(string path) => path.StartsWith("this.", System.StringComparison.Ordinal) ? path.Substring(5) : path;

        private static string Truncate(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }
}
