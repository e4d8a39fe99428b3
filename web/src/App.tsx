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

function Protected({ children }: { children: ReactNode }) {
  return <RequireAuth>{children}</RequireAuth>;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          <Route path="login" element={<LoginPage />} />
          <Route path="register" element={<RegisterPage />} />
          <Route path="verify-email" element={<VerifyEmailPage />} />
          <Route path="reset-password" element={<ResetPasswordPage />} />
          <Route path="marketplace" element={<MarketplacePage />} />
          <Route
            path="marketplace/submit"
            element={
              <Protected>
                <SubmitPersonaPage />
              </Protected>
            }
          />
          <Route path="marketplace/:id" element={<PersonaDetailPage />} />
          <Route
            path="checkout/success"
            element={
              <Protected>
                <CheckoutSuccessPage />
              </Protected>
            }
          />
          <Route path="checkout/cancel" element={<CheckoutCancelPage />} />
          <Route path="creators/:username" element={<CreatorProfilePage />} />
          <Route path="notifications" element={<Protected><NotificationsPage /></Protected>} />
          <Route path="feed" element={<Protected><FeedPage /></Protected>} />
          <Route
            path="generate"
            element={
              <Protected>
                <GeneratePage />
              </Protected>
            }
          />
          <Route
            path="dashboard"
            element={
              <Protected>
                <DashboardLayout />
              </Protected>
            }
          >
            <Route index element={<OverviewPage />} />
            <Route path="personas" element={<MyPersonasPage />} />
            <Route path="personas/new" element={<Navigate to="/marketplace/submit" replace />} />
            <Route path="personas/:id/edit" element={<EditPersonaPage />} />
            <Route path="analytics" element={<AnalyticsPage />} />
            <Route path="personas/:id/analytics" element={<AnalyticsPage />} />
            <Route path="purchases" element={<PurchasesPage />} />
            <Route path="earnings" element={<EarningsPage />} />
            <Route path="profile" element={<ProfilePage />} />
          </Route>
          <Route
            path="admin"
            element={
              <RequireAdmin>
                <AdminPage />
              </RequireAdmin>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
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
