using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockContracts.Analyzers.Flow
{
    /// <summary>
    /// Where flow captures and locals get their values, read once per graph: a capture or local
    /// assigned exactly once stands for the expression assigned to it (<c>var l = _lock;</c>);
    /// one assigned more often maps to null.
    /// </summary>
    internal sealed class ValueOrigins
    {
        private readonly Dictionary<CaptureId, IOperation?> _captures = new();
        private readonly Dictionary<ILocalSymbol, IOperation?> _locals = new(SymbolEqualityComparer.Default);
        private readonly HashSet<IParameterSymbol> _assignedParameters = new(SymbolEqualityComparer.Default);

        /// <summary>No origins: for a method without a body.</summary>
        public static readonly ValueOrigins None = new();

        private ValueOrigins()
        {
        }

        /// <summary>The tree still to read, when origins were asked for lazily.</summary>
        private IOperation? _unread;

        /// <summary>How to get the tree to read, when even binding it waits for first use.</summary>
        private System.Func<IOperation?>? _bind;

        /// <summary>Set while a lazily given tree is still to be read; cleared once it is read, with everything it holds in place.</summary>
        private volatile bool _pending;

        /// <summary>
        /// Origins in the tree <paramref name="bind"/> returns, bound and read on first use. Such origins can be shared
        /// between threads: the first use reads them under a lock, and nothing changes after.
        /// </summary>
        public ValueOrigins(System.Func<IOperation?> bind)
        {
            _bind = bind;
            _pending = true;
        }

        /// <summary>Origins in an operation tree that is not a graph (no flow captures; declarations carry initializers), read on first use.</summary>
        public ValueOrigins(IOperation root)
        {
            _unread = root;
            _pending = true;
        }

        public ValueOrigins(ControlFlowGraph graph)
        {
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    Scan(operation);
                }

                if (block.BranchValue is not null)
                {
                    Scan(block.BranchValue);
                }
            }
        }

        public IOperation? CaptureValue(CaptureId id) =>
            Read()._captures.TryGetValue(id, out var value) ? value : null;

        public IOperation? LocalValue(ILocalSymbol local) =>
            Read()._locals.TryGetValue(local, out var value) ? value : null;

        /// <summary>A parameter the method never assigns keeps the value it was called with.</summary>
        public bool IsUnchanged(IParameterSymbol parameter) => !Read()._assignedParameters.Contains(parameter);

        /// <summary>Reads a lazily given tree, once, whichever thread asks first.</summary>
        private ValueOrigins Read()
        {
            if (!_pending)
            {
                return this;
            }

            lock (_locals)
            {
                if (_bind is { } bind)
                {
                    _bind = null;
                    _unread = bind();
                }

                if (_unread is { } root)
                {
                    _unread = null;
                    Scan(root);
                }

                _pending = false;
            }

            return this;
        }

        private void Scan(IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                switch (operation)
                {
                    case IFlowAnonymousFunctionOperation:
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        continue;
                    case IVariableDeclaratorOperation declarator:
                        var initial = declarator.GetVariableInitializer()?.Value;
                        if (initial is not null)
                        {
                            _locals[declarator.Symbol] = _locals.ContainsKey(declarator.Symbol) ? null : initial;
                        }

                        break;
                    case IFlowCaptureOperation capture:
                        _captures[capture.Id] = _captures.ContainsKey(capture.Id) ? null : capture.Value;
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                        _locals[local.Local] = _locals.ContainsKey(local.Local) ? null : assignment.Value;
                        break;
                    case ICompoundAssignmentOperation { Target: ILocalReferenceOperation local }:
                        _locals[local.Local] = null;
                        break;
                    case IAssignmentOperation { Target: IParameterReferenceOperation parameter }:
                        _assignedParameters.Add(parameter.Parameter);
                        break;
                    case IArgumentOperation { Value: IParameterReferenceOperation parameter, Parameter.RefKind: not RefKind.None }:
                        _assignedParameters.Add(parameter.Parameter);
                        break;
                    case IArgumentOperation { Value: ILocalReferenceOperation local, Parameter.RefKind: not RefKind.None }:
                        _locals[local.Local] = null;
                        break;
                    case IDeconstructionAssignmentOperation:
                    case IIncrementOrDecrementOperation:
                        foreach (var reference in operation.Descendants())
                        {
                            if (reference is ILocalReferenceOperation target)
                            {
                                _locals[target.Local] = null;
                            }
                            else if (reference is IParameterReferenceOperation parameter)
                            {
                                _assignedParameters.Add(parameter.Parameter);
                            }
                        }

                        break;
                }

                foreach (var child in operation.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }
    }
}
