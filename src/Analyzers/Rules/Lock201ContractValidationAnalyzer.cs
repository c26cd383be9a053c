using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockContracts.Analyzers.Contracts;
using LockContracts.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockContracts.Analyzers.Rules
{
    /// <summary>
    /// LOCK201: a contract the analyzer cannot check — an unknown lock name, an unknown <c>On</c>,
    /// a cycle in the declared order, or a contract on something that cannot hold a lock.
    /// </summary>
    /// <remarks>
    /// Bad: <c>[RequiresHeld("Inode.Rwsm")]</c> (a typo), <c>[Acquires(On = "node")]</c> on a method without a
    /// parameter <c>node</c>, <c>[assembly: LockOrder("A", "B")]</c> with <c>[assembly: LockOrder("B", "A")]</c>.
    /// Good: names that a [Lock] member or an unannotated lock field declares, and one consistent order.
    /// Reported on the attribute itself, as the user types it.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class Lock201ContractValidationAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.MalformedContract);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationAction(CheckOptions);
            context.RegisterCompilationStartAction(start =>
            {
                var model = LockContractModel.For(start.Compilation);
                if (!model.Symbols.HasAnnotations)
                {
                    return;
                }

                start.RegisterSymbolAction(c => CheckMember(c, model), SymbolKind.Field, SymbolKind.Property);
                start.RegisterSymbolAction(c => CheckMethod(c, model), SymbolKind.Method);
                start.RegisterSyntaxNodeAction(c => CheckAssemblyAttribute(c, model), SyntaxKind.Attribute);
            });
        }

#pragma warning disable RS1037 // A misspelt MSBuild property is reported once per build; the editor keeps the default meanwhile.
        /// <summary>The package's MSBuild properties, when set to something the analyzer cannot use (it then keeps its default).</summary>
        private static void CheckOptions(CompilationAnalysisContext context)
        {
            var options = context.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
            if (options.TryGetValue(LockStateAnalyzer.CycleReportingProperty, out var mode) && !string.IsNullOrWhiteSpace(mode)
                && !string.Equals(mode.Trim(), "live", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode.Trim(), "build", StringComparison.OrdinalIgnoreCase))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedContract, Location.None,
                    $"LockContractsCycleReporting is '{mode.Trim()}': it must be 'live' or 'build'; cycles are checked live until it is fixed"));
            }

            if (options.TryGetValue(LockStateAnalyzer.LiveIncrementalProperty, out var incremental) && !string.IsNullOrWhiteSpace(incremental)
                && !bool.TryParse(incremental.Trim(), out _))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedContract, Location.None,
                    $"LockContractsLiveIncremental is '{incremental.Trim()}': it must be 'true' or 'false'; results are kept across the editor's compilations until it is fixed"));
            }

            if (options.TryGetValue(LockStateAnalyzer.LiveLimitProperty, out var limit) && !string.IsNullOrWhiteSpace(limit)
                && !LockStateAnalyzer.TryParseLimit(limit, out _))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedContract, Location.None,
                    $"LockContractsLiveCycleLimit is '{limit.Trim()}': it must be a whole number of bodies (0 for no bound); the default, no bound, applies until it is fixed"));
            }

            if (options.TryGetValue(LockStateAnalyzer.CyclesPerGroupProperty, out var perGroup) && !string.IsNullOrWhiteSpace(perGroup)
                && !LockStateAnalyzer.TryParseLimit(perGroup, out _))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedContract, Location.None,
                    $"LockContractsCyclesPerGroup is '{perGroup.Trim()}': it must be a whole number of cycles (0 for no bound); the default, {LockOrderGraph.DefaultCyclesPerGroup}, applies until it is fixed"));
            }

            if (options.TryGetValue(LockStateAnalyzer.MethodsPerSummaryProperty, out var perSummary) && !string.IsNullOrWhiteSpace(perSummary)
                && !LockStateAnalyzer.TryParseLimit(perSummary, out _))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedContract, Location.None,
                    $"LockContractsMethodsPerSummary is '{perSummary.Trim()}': it must be a whole number of methods (0 for no bound); the default, {LockSummaries.DefaultMethodsPerSummary}, applies until it is fixed"));
            }

            if (options.TryGetValue(LockStateAnalyzer.DispatchTargetsProperty, out var dispatch) && !string.IsNullOrWhiteSpace(dispatch)
                && !LockStateAnalyzer.TryParseLimit(dispatch, out _))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedContract, Location.None,
                    $"LockContractsDispatchTargets is '{dispatch.Trim()}': it must be a whole number of bodies (0 for no bound); the default, {CallGraph.DefaultDispatchTargets}, applies until it is fixed"));
            }
        }
#pragma warning restore RS1037

        private static void CheckMember(SymbolAnalysisContext context, LockContractModel model)
        {
            var symbols = model.Symbols;
            var type = context.Symbol switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };

            foreach (var attribute in context.Symbol.GetAttributes())
            {
                var attributeClass = attribute.AttributeClass;
                if (KnownSymbols.Is(attributeClass, symbols.LockAttribute))
                {
                    if (attribute.ConstructorArguments.Length == 1 && !(attribute.ConstructorArguments[0].ScalarValue() is string name && name.Trim().Length > 0))
                    {
                        Report(context.ReportDiagnostic, attribute, "[Lock] needs a non-empty lock class name such as \"Inode.Rwsem\"");
                    }

                    if (type is not null && !CanHoldLock(type, model))
                    {
                        Report(context.ReportDiagnostic, attribute,
                            $"[Lock] is on '{context.Symbol.Name}', whose type '{type.ToDisplayString()}' is a value type: every use copies it, so it cannot hold a lock");
                    }
                }
                else if (KnownSymbols.Is(attributeClass, symbols.AcquiredBeforeAttribute) || KnownSymbols.Is(attributeClass, symbols.AcquiredAfterAttribute))
                {
                    CheckNames(context.ReportDiagnostic, model, attribute, LockContractModel.OrderNamesOf(attribute));
                    CheckCycles(context.ReportDiagnostic, model, attribute);
                }
                else if (KnownSymbols.Is(attributeClass, symbols.MustRecheckAttribute))
                {
                    foreach (var named in attribute.NamedArguments)
                    {
                        if (named.Key == "Under" && !named.Value.IsNull && named.Value.Kind == TypedConstantKind.Array)
                        {
                            CheckNames(context.ReportDiagnostic, model, attribute, named.Value.Values.Select(v => v.ScalarValue() as string).OfType<string>());
                        }
                    }
                }
            }
        }

        private static void CheckMethod(SymbolAnalysisContext context, LockContractModel model)
        {
            var method = (IMethodSymbol)context.Symbol;
            var symbols = model.Symbols;
            foreach (var attribute in method.GetAttributes())
            {
                var attributeClass = attribute.AttributeClass;
                if (attributeClass is null || attributeClass.ContainingNamespace?.Name != "LockContracts" || attribute.AttributeConstructor is null)
                {
                    continue;
                }

                var display = "[" + (attributeClass.Name.EndsWith("Attribute") ? attributeClass.Name.Substring(0, attributeClass.Name.Length - 9) : attributeClass.Name) + "]";
                var isState = KnownSymbols.Is(attributeClass, symbols.EstablishesStateAttribute) || KnownSymbols.Is(attributeClass, symbols.RequiresStateAttribute);
                var isLockClaim = KnownSymbols.Is(attributeClass, symbols.AcquiresAttribute) || KnownSymbols.Is(attributeClass, symbols.ReleasesAttribute)
                    || KnownSymbols.Is(attributeClass, symbols.TryAcquiresAttribute) || KnownSymbols.Is(attributeClass, symbols.RequiresHeldAttribute)
                    || KnownSymbols.Is(attributeClass, symbols.ExcludesAttribute) || KnownSymbols.Is(attributeClass, symbols.AssertsHeldAttribute)
                    || KnownSymbols.Is(attributeClass, symbols.TemporarilyReleasesAttribute);
                if (!isState && !isLockClaim)
                {
                    continue;
                }

                var name = isLockClaim ? attribute.ConstructorArguments.Select(a => a.ScalarValue()).OfType<string>().FirstOrDefault() : null;
                var on = attribute.NamedArguments.Where(a => a.Key == "On").Select(a => a.Value.ScalarValue() as string).FirstOrDefault() ?? "this";
                if (name is not null)
                {
                    CheckNames(context.ReportDiagnostic, model, attribute, new[] { name });
                }

                if (isState)
                {
                    var validWhileHeld = attribute.NamedArguments.Where(a => a.Key == "ValidWhileHeld").Select(a => a.Value.ScalarValue() as string).FirstOrDefault();
                    if (validWhileHeld is not null)
                    {
                        CheckNames(context.ReportDiagnostic, model, attribute, new[] { validWhileHeld });
                    }
                }

                CheckTarget(context.ReportDiagnostic, model, method, attribute, display, name, on, isState);

                if (KnownSymbols.Is(attributeClass, symbols.TryAcquiresAttribute) && !ReturnsBool(method))
                {
                    Report(context.ReportDiagnostic, attribute,
                        $"[TryAcquires] is on '{method.Name}', which returns '{method.ReturnType.ToDisplayString()}': the analyzer can only follow a bool result (or Task<bool>)");
                }
            }
        }

        private static void CheckTarget(
            System.Action<Diagnostic> report, LockContractModel model, IMethodSymbol method, AttributeData attribute, string display, string? name, string on, bool isState)
        {
            if (on == "this")
            {
                if (method.IsStatic && name is null && !isState)
                {
                    Report(report, attribute, $"{display} without a lock name means 'this lock object', but '{method.Name}' is static; name the lock class or set On to a parameter");
                }
                else if (method.IsStatic && name is not null && model.FindLockMember(method.ContainingType, name) is { IsStatic: false } member)
                {
                    Report(report, attribute,
                        $"{display} names the '{name}' of 'this' ({member.Name} is an instance member), but '{method.Name}' is static; set On to the parameter whose lock it is");
                }
                else if (method.IsStatic && isState)
                {
                    Report(report, attribute, $"{display} is on static method '{method.Name}', which has no 'this'; set On to the parameter whose state it is");
                }

                return;
            }

            if (on == "return")
            {
                var symbols = model.Symbols;
                var allowed = KnownSymbols.Is(attribute.AttributeClass, symbols.AcquiresAttribute) || KnownSymbols.Is(attribute.AttributeClass, symbols.TryAcquiresAttribute)
                    || KnownSymbols.Is(attribute.AttributeClass, symbols.ReleasesAttribute);
                if (!allowed)
                {
                    Report(report, attribute, $"{display} cannot use On = \"return\": a caller cannot hold a lock of a value it has not received yet");
                }
                else if (method.ReturnsVoid)
                {
                    Report(report, attribute, $"{display} uses On = \"return\" but '{method.Name}' returns nothing");
                }

                return;
            }

            var parameter = method.Parameters.FirstOrDefault(p => p.Name == on);
            if (parameter is null)
            {
                var names = method.Parameters.IsEmpty ? "it has no parameters" : "its parameters are " + string.Join(", ", method.Parameters.Select(p => "'" + p.Name + "'"));
                Report(report, attribute, $"{display} names On = \"{on}\", which is not 'this', 'return' or a parameter of '{method.Name}' ({names})");
                return;
            }

            if (!CanHoldLock(parameter.Type, model) && (name is null || parameter.Type.SpecialType != SpecialType.None))
            {
                Report(report, attribute,
                    $"{display} is on parameter '{parameter.Name}' of type '{parameter.Type.ToDisplayString()}', which cannot hold a lock");
            }
        }

        private static void CheckAssemblyAttribute(SyntaxNodeAnalysisContext context, LockContractModel model)
        {
            var syntax = (AttributeSyntax)context.Node;
            if (syntax.Parent is not AttributeListSyntax { Target.Identifier.ValueText: "assembly" })
            {
                return;
            }

            foreach (var attribute in context.SemanticModel.Compilation.Assembly.GetAttributes())
            {
                if (KnownSymbols.Is(attribute.AttributeClass, model.Symbols.LockOrderAttribute)
                    && attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) == syntax)
                {
                    var names = LockContractModel.OrderNamesOf(attribute);
                    CheckNames(context.ReportDiagnostic, model, attribute, names);
                    if (names.Length < 2)
                    {
                        Report(context.ReportDiagnostic, attribute, "[LockOrder] needs at least two lock classes, outermost first");
                    }

                    var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null)
                    {
                        Report(context.ReportDiagnostic, attribute, $"[LockOrder] lists '{duplicate.Key}' twice, which would order it before itself");
                    }
                    else
                    {
                        CheckCycles(context.ReportDiagnostic, model, attribute);
                    }
                }
            }
        }

        private static void CheckNames(System.Action<Diagnostic> report, LockContractModel model, AttributeData attribute, IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                if (name.Trim().Length == 0)
                {
                    Report(report, attribute, "A lock class name is empty");
                }
                else if (!model.IsKnownClass(name))
                {
                    Report(report, attribute,
                        $"Lock class '{name}' is not declared: no member has [Lock(\"{name}\")], and no type or lock field is named so; the contract cannot be checked");
                }
            }
        }

        private static void CheckCycles(System.Action<Diagnostic> report, LockContractModel model, AttributeData attribute)
        {
            var reference = attribute.ApplicationSyntaxReference;
            if (reference is null)
            {
                return;
            }

            foreach (var cycle in model.Order.Cycles)
            {
                var other = cycle.Attribute.ApplicationSyntaxReference;
                if (other is not null && other.SyntaxTree == reference.SyntaxTree && other.Span == reference.Span)
                {
                    var path = string.Join(" → ", cycle.ExistingPath);
                    Report(report, attribute,
                        $"The declared lock order has a cycle: this puts '{cycle.Before}' before '{cycle.After}', but the order already takes {path}; this declaration is ignored");
                }
            }
        }

        private static bool CanHoldLock(ITypeSymbol type, LockContractModel model) =>
            type.TypeKind == TypeKind.Error
            || type.TypeKind == TypeKind.TypeParameter
            || !type.IsValueType
            || KnownSymbols.Is(type, model.Symbols.SpinLock)
            || model.IsLockType(type);

        private static bool ReturnsBool(IMethodSymbol method)
        {
            var type = method.ReturnType;
            if (type.SpecialType == SpecialType.System_Boolean)
            {
                return true;
            }

            return type is INamedTypeSymbol { IsGenericType: true, Name: "Task" or "ValueTask", TypeArguments.Length: 1 } task
                && task.TypeArguments[0].SpecialType == SpecialType.System_Boolean;
        }

        private static void Report(System.Action<Diagnostic> report, AttributeData attribute, string message)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? Location.None;
            report(Diagnostic.Create(Descriptors.MalformedContract, location, message));
        }
    }
}
