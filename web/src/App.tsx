import { lazy, Suspense, useState, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { AuthProvider } from "./auth/AuthContext";
import { RequireAdmin, RequireAuth } from "./auth/guards";
import { Layout } from "./components/Layout";
import { LoadingState } from "./components/States";
import { ToastProvider } from "./components/Toast";
import { createQueryClient } from "./queryClient";

const HomePage = lazy(() => import("./pages/HomePage"));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage"));
const LoginPage = lazy(() => import("./pages/auth/LoginPage"));
const RegisterPage = lazy(() => import("./pages/auth/RegisterPage"));
const VerifyEmailPage = lazy(() => import("./pages/auth/VerifyEmailPage"));
const ResetPasswordPage = lazy(() => import("./pages/auth/ResetPasswordPage"));
const MarketplacePage = lazy(() => import("./pages/marketplace/MarketplacePage"));
const PersonaDetailPage = lazy(() => import("./pages/marketplace/PersonaDetailPage"));
const SubmitPersonaPage = lazy(() => import("./pages/marketplace/SubmitPersonaPage"));
const CheckoutSuccessPage = lazy(() => import("./pages/checkout/CheckoutSuccessPage"));
const CheckoutCancelPage = lazy(() => import("./pages/checkout/CheckoutCancelPage"));
const DashboardLayout = lazy(() => import("./pages/dashboard/DashboardLayout"));
const OverviewPage = lazy(() => import("./pages/dashboard/OverviewPage"));
const MyPersonasPage = lazy(() => import("./pages/dashboard/MyPersonasPage"));
const EditPersonaPage = lazy(() => import("./pages/dashboard/EditPersonaPage"));
const PurchasesPage = lazy(() => import("./pages/dashboard/PurchasesPage"));
const EarningsPage = lazy(() => import("./pages/dashboard/EarningsPage"));
const ProfilePage = lazy(() => import("./pages/dashboard/ProfilePage"));
const CreatorProfilePage = lazy(() => import("./pages/creators/CreatorProfilePage"));
const AdminPage = lazy(() => import("./pages/admin/AdminPage"));
const AnalyticsPage = lazy(() => import("./pages/analytics/AnalyticsPage"));
const GeneratePage = lazy(() => import("./pages/generate/GeneratePage"));
const NotificationsPage = lazy(() => import("./notifications/NotificationsPage"));
const FeedPage = lazy(() => import("./notifications/FeedPage"));

/** Who may open a page: anyone, a logged-in user, or an admin. */
type Access = "anyone" | "user" | "admin";
type Page = [path: string, element: ReactNode, access?: Access];

/** The pages inside the site layout ("" is the index). */
const PAGES: Page[] = [
  ["", <HomePage />],
  ["login", <LoginPage />],
  ["register", <RegisterPage />],
  ["verify-email", <VerifyEmailPage />],
  ["reset-password", <ResetPasswordPage />],
  ["marketplace", <MarketplacePage />],
  ["marketplace/submit", <SubmitPersonaPage />, "user"],
  ["marketplace/:id", <PersonaDetailPage />],
  ["checkout/success", <CheckoutSuccessPage />, "user"],
  ["checkout/cancel", <CheckoutCancelPage />],
  ["creators/:username", <CreatorProfilePage />],
  ["notifications", <NotificationsPage />, "user"],
  ["feed", <FeedPage />, "user"],
  ["generate", <GeneratePage />, "user"],
  ["admin", <AdminPage />, "admin"],
  ["*", <NotFoundPage />],
];

/** The creator's dashboard, all behind a login (its layout checks once). */
const DASHBOARD: Record<string, ReactNode> = {
  "": <OverviewPage />,
  personas: <MyPersonasPage />,
  "personas/new": <Navigate to="/marketplace/submit" replace />,
  "personas/:id/edit": <EditPersonaPage />,
  analytics: <AnalyticsPage />,
  "personas/:id/analytics": <AnalyticsPage />,
  purchases: <PurchasesPage />,
  earnings: <EarningsPage />,
  profile: <ProfilePage />,
};

function guarded(element: ReactNode, access: Access = "anyone") {
  if (access === "admin") return <RequireAdmin>{element}</RequireAdmin>;
  return access === "user" ? <RequireAuth>{element}</RequireAuth> : element;
}

function routes(pages: Page[]) {
  return pages.map(([path, element, access]) =>
    path ? <Route key={path} path={path} element={guarded(element, access)} /> : <Route key="index" index element={guarded(element, access)} />,
  );
}

export function AppRoutes() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Routes>
        <Route element={<Layout />}>
          {routes(PAGES)}
          <Route path="dashboard" element={guarded(<DashboardLayout />, "user")}>
            {routes(Object.entries(DASHBOARD))}
          </Route>
        </Route>
      </Routes>
    </Suspense>
  );
}

export function Providers({ children, client }: { children: ReactNode; client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? createQueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <ToastProvider>{children}</ToastProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Providers>
        <AppRoutes />
      </Providers>
    </BrowserRouter>
  );
}
