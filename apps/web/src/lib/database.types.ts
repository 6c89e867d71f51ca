export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  soundstage: {
    Tables: {
      api_keys: {
        Row: {
          created_at: string
          id: string
          key_hash: string
          last_used_at: string | null
          name: string
          prefix: string
          revoked_at: string | null
          scopes: string[]
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          key_hash: string
          last_used_at?: string | null
          name: string
          prefix: string
          revoked_at?: string | null
          scopes: string[]
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          key_hash?: string
          last_used_at?: string | null
          name?: string
          prefix?: string
          revoked_at?: string | null
          scopes?: string[]
          user_id?: string
        }
        Relationships: []
      }
      branches: {
        Row: {
          head_id: string | null
          name: string
          project_id: string
          updated_at: string
        }
        Insert: {
          head_id?: string | null
          name: string
          project_id: string
          updated_at?: string
        }
        Update: {
          head_id?: string | null
          name?: string
          project_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "branches_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "branches_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects_view"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "branches_project_id_head_id_fkey"
            columns: ["project_id", "head_id"]
            isOneToOne: false
            referencedRelation: "commits"
            referencedColumns: ["project_id", "id"]
          },
        ]
      }
      commit_files: {
        Row: {
          bytes: number
          commit_id: string
          content_type: string
          duration_s: number | null
          name: string
          params: NonNullable<Json>
          project_id: string
          role: string
          sha256: string
        }
        Insert: {
          bytes: number
          commit_id: string
          content_type: string
          duration_s?: number | null
          name: string
          params?: NonNullable<Json>
          project_id: string
          role: string
          sha256: string
        }
        Update: {
          bytes?: number
          commit_id?: string
          content_type?: string
          duration_s?: number | null
          name?: string
          params?: NonNullable<Json>
          project_id?: string
          role?: string
          sha256?: string
        }
        Relationships: [
          {
            foreignKeyName: "commit_files_project_id_commit_id_fkey"
            columns: ["project_id", "commit_id"]
            isOneToOne: false
            referencedRelation: "commits"
            referencedColumns: ["project_id", "id"]
          },
        ]
      }
      commits: {
        Row: {
          author_id: string | null
          bpm: number | null
          created_at: string
          id: string
          job_id: string | null
          key_signature: string | null
          message: string
          params: NonNullable<Json>
          parent_id: string | null
          project_id: string
          second_parent_id: string | null
          seq: number
        }
        Insert: {
          author_id?: string | null
          bpm?: number | null
          created_at?: string
          id?: string
          job_id?: string | null
          key_signature?: string | null
          message?: string
          params?: NonNullable<Json>
          parent_id?: string | null
          project_id: string
          second_parent_id?: string | null
          seq?: never
        }
        Update: {
          author_id?: string | null
          bpm?: number | null
          created_at?: string
          id?: string
          job_id?: string | null
          key_signature?: string | null
          message?: string
          params?: NonNullable<Json>
          parent_id?: string | null
          project_id?: string
          second_parent_id?: string | null
          seq?: never
        }
        Relationships: [
          {
            foreignKeyName: "commits_parent_fk"
            columns: ["project_id", "parent_id"]
            isOneToOne: false
            referencedRelation: "commits"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "commits_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "commits_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects_view"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "commits_second_parent_fk"
            columns: ["project_id", "second_parent_id"]
            isOneToOne: false
            referencedRelation: "commits"
            referencedColumns: ["project_id", "id"]
          },
        ]
      }
      job_checkpoints: {
        Row: {
          bucket: string | null
          bytes: number | null
          created_at: string
          data: NonNullable<Json>
          job_id: string
          object_path: string | null
          unit: string
          user_id: string
        }
        Insert: {
          bucket?: string | null
          bytes?: number | null
          created_at?: string
          data?: NonNullable<Json>
          job_id: string
          object_path?: string | null
          unit: string
          user_id: string
        }
        Update: {
          bucket?: string | null
          bytes?: number | null
          created_at?: string
          data?: NonNullable<Json>
          job_id?: string
          object_path?: string | null
          unit?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_checkpoints_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_checkpoints_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs_view"
            referencedColumns: ["id"]
          },
        ]
      }
      job_events: {
        Row: {
          created_at: string
          data: NonNullable<Json>
          id: number
          job_id: string
          type: string
          user_id: string
        }
        Insert: {
          created_at?: string
          data: NonNullable<Json>
          id?: never
          job_id: string
          type: string
          user_id: string
        }
        Update: {
          created_at?: string
          data?: NonNullable<Json>
          id?: never
          job_id?: string
          type?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_events_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_events_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs_view"
            referencedColumns: ["id"]
          },
        ]
      }
      job_outputs: {
        Row: {
          bucket: string
          bytes: number
          content_type: string
          created_at: string
          id: string
          job_id: string
          name: string
          object_path: string
          user_id: string
        }
        Insert: {
          bucket?: string
          bytes: number
          content_type: string
          created_at?: string
          id?: string
          job_id: string
          name: string
          object_path: string
          user_id: string
        }
        Update: {
          bucket?: string
          bytes?: number
          content_type?: string
          created_at?: string
          id?: string
          job_id?: string
          name?: string
          object_path?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_outputs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_outputs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs_view"
            referencedColumns: ["id"]
          },
        ]
      }
      job_progress_events: {
        Row: {
          created_at: string
          data: NonNullable<Json>
          id: number
          job_id: string
          user_id: string
        }
        Insert: {
          created_at?: string
          data: NonNullable<Json>
          id?: number
          job_id: string
          user_id: string
        }
        Update: {
          created_at?: string
          data?: NonNullable<Json>
          id?: number
          job_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_progress_events_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_progress_events_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs_view"
            referencedColumns: ["id"]
          },
        ]
      }
      jobs: {
        Row: {
          attempts: number
          broadcast_at: string | null
          broadcast_pending: boolean
          created_at: string
          error: Json | null
          finished_at: string | null
          id: string
          idempotency_key: string | null
          kind: string
          lease_expires_at: string | null
          lease_owner: string | null
          max_attempts: number
          message: string | null
          params: NonNullable<Json>
          priority: number
          progress: number
          project: Json | null
          request_hash: string | null
          run_after: string
          stage: string | null
          started_at: string | null
          status: string
          units: number | null
          updated_at: string
          user_id: string
        }
        Insert: {
          attempts?: number
          broadcast_at?: string | null
          broadcast_pending?: boolean
          created_at?: string
          error?: Json | null
          finished_at?: string | null
          id?: string
          idempotency_key?: string | null
          kind: string
          lease_expires_at?: string | null
          lease_owner?: string | null
          max_attempts?: number
          message?: string | null
          params?: NonNullable<Json>
          priority?: number
          progress?: number
          project?: Json | null
          request_hash?: string | null
          run_after?: string
          stage?: string | null
          started_at?: string | null
          status?: string
          units?: number | null
          updated_at?: string
          user_id: string
        }
        Update: {
          attempts?: number
          broadcast_at?: string | null
          broadcast_pending?: boolean
          created_at?: string
          error?: Json | null
          finished_at?: string | null
          id?: string
          idempotency_key?: string | null
          kind?: string
          lease_expires_at?: string | null
          lease_owner?: string | null
          max_attempts?: number
          message?: string | null
          params?: NonNullable<Json>
          priority?: number
          progress?: number
          project?: Json | null
          request_hash?: string | null
          run_after?: string
          stage?: string | null
          started_at?: string | null
          status?: string
          units?: number | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      lexicon_entries: {
        Row: {
          created_at: string
          id: string
          replacement: string
          term: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          replacement: string
          term: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          replacement?: string
          term?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      manuscript_stats: {
        Row: {
          chapter_characters: number[]
          created_at: string
          upload_id: string
          user_id: string
        }
        Insert: {
          chapter_characters: number[]
          created_at?: string
          upload_id: string
          user_id: string
        }
        Update: {
          chapter_characters?: number[]
          created_at?: string
          upload_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "manuscript_stats_upload_id_fkey"
            columns: ["upload_id"]
            isOneToOne: true
            referencedRelation: "uploads"
            referencedColumns: ["id"]
          },
        ]
      }
      project_events: {
        Row: {
          actor_id: string | null
          created_at: string
          data: NonNullable<Json>
          id: number
          project_id: string
          type: string
        }
        Insert: {
          actor_id?: string | null
          created_at?: string
          data?: NonNullable<Json>
          id?: never
          project_id: string
          type: string
        }
        Update: {
          actor_id?: string | null
          created_at?: string
          data?: NonNullable<Json>
          id?: never
          project_id?: string
          type?: string
        }
        Relationships: [
          {
            foreignKeyName: "project_events_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "project_events_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects_view"
            referencedColumns: ["id"]
          },
        ]
      }
      project_members: {
        Row: {
          created_at: string
          invited_by: string | null
          project_id: string
          role: string
          user_id: string
        }
        Insert: {
          created_at?: string
          invited_by?: string | null
          project_id: string
          role: string
          user_id: string
        }
        Update: {
          created_at?: string
          invited_by?: string | null
          project_id?: string
          role?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "project_members_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "project_members_project_id_fkey"
            columns: ["project_id"]
            isOneToOne: false
            referencedRelation: "projects_view"
            referencedColumns: ["id"]
          },
        ]
      }
      projects: {
        Row: {
          created_at: string
          default_branch: string
          description: string
          forked_from_commit: string | null
          forked_from_project: string | null
          genre: string
          id: string
          link_token: string
          name: string
          owner_id: string
          updated_at: string
          visibility: string
        }
        Insert: {
          created_at?: string
          default_branch?: string
          description?: string
          forked_from_commit?: string | null
          forked_from_project?: string | null
          genre?: string
          id?: string
          link_token?: string
          name: string
          owner_id: string
          updated_at?: string
          visibility?: string
        }
        Update: {
          created_at?: string
          default_branch?: string
          description?: string
          forked_from_commit?: string | null
          forked_from_project?: string | null
          genre?: string
          id?: string
          link_token?: string
          name?: string
          owner_id?: string
          updated_at?: string
          visibility?: string
        }
        Relationships: [
          {
            foreignKeyName: "projects_forked_from_project_fkey"
            columns: ["forked_from_project"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "projects_forked_from_project_fkey"
            columns: ["forked_from_project"]
            isOneToOne: false
            referencedRelation: "projects_view"
            referencedColumns: ["id"]
          },
        ]
      }
      uploads: {
        Row: {
          bucket: string
          bytes: number
          category: string | null
          content_type: string | null
          created_at: string
          expected_category: string | null
          format: string | null
          id: string
          object_path: string
          original_name: string
          sha256: string | null
          status: string
          upload_expires_at: string | null
          user_id: string
        }
        Insert: {
          bucket?: string
          bytes: number
          category?: string | null
          content_type?: string | null
          created_at?: string
          expected_category?: string | null
          format?: string | null
          id?: string
          object_path: string
          original_name: string
          sha256?: string | null
          status?: string
          upload_expires_at?: string | null
          user_id: string
        }
        Update: {
          bucket?: string
          bytes?: number
          category?: string | null
          content_type?: string | null
          created_at?: string
          expected_category?: string | null
          format?: string | null
          id?: string
          object_path?: string
          original_name?: string
          sha256?: string | null
          status?: string
          upload_expires_at?: string | null
          user_id?: string
        }
        Relationships: []
      }
      webhook_attempts: {
        Row: {
          attempt: number
          created_at: string
          error: string | null
          id: number
          latency_ms: number | null
          outbox_id: string
          status_code: number | null
          user_id: string
          webhook_id: string
        }
        Insert: {
          attempt: number
          created_at?: string
          error?: string | null
          id?: never
          latency_ms?: number | null
          outbox_id: string
          status_code?: number | null
          user_id: string
          webhook_id: string
        }
        Update: {
          attempt?: number
          created_at?: string
          error?: string | null
          id?: never
          latency_ms?: number | null
          outbox_id?: string
          status_code?: number | null
          user_id?: string
          webhook_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "webhook_attempts_outbox_id_fkey"
            columns: ["outbox_id"]
            isOneToOne: false
            referencedRelation: "webhook_outbox"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhook_attempts_webhook_id_fkey"
            columns: ["webhook_id"]
            isOneToOne: false
            referencedRelation: "webhooks"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhook_attempts_webhook_id_fkey"
            columns: ["webhook_id"]
            isOneToOne: false
            referencedRelation: "webhooks_view"
            referencedColumns: ["id"]
          },
        ]
      }
      webhook_outbox: {
        Row: {
          attempts: number
          created_at: string
          data: NonNullable<Json>
          delivered_at: string | null
          event_type: string
          id: string
          last_attempt_at: string | null
          last_error: string | null
          last_latency_ms: number | null
          last_status_code: number | null
          next_attempt_at: string
          status: string
          subject_id: string | null
          user_id: string
          webhook_id: string
        }
        Insert: {
          attempts?: number
          created_at?: string
          data: NonNullable<Json>
          delivered_at?: string | null
          event_type: string
          id?: string
          last_attempt_at?: string | null
          last_error?: string | null
          last_latency_ms?: number | null
          last_status_code?: number | null
          next_attempt_at?: string
          status?: string
          subject_id?: string | null
          user_id: string
          webhook_id: string
        }
        Update: {
          attempts?: number
          created_at?: string
          data?: NonNullable<Json>
          delivered_at?: string | null
          event_type?: string
          id?: string
          last_attempt_at?: string | null
          last_error?: string | null
          last_latency_ms?: number | null
          last_status_code?: number | null
          next_attempt_at?: string
          status?: string
          subject_id?: string | null
          user_id?: string
          webhook_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "webhook_outbox_webhook_id_fkey"
            columns: ["webhook_id"]
            isOneToOne: false
            referencedRelation: "webhooks"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhook_outbox_webhook_id_fkey"
            columns: ["webhook_id"]
            isOneToOne: false
            referencedRelation: "webhooks_view"
            referencedColumns: ["id"]
          },
        ]
      }
      webhooks: {
        Row: {
          created_at: string
          description: string
          disabled_at: string | null
          disabled_reason: string | null
          enabled: boolean
          events: string[]
          id: string
          previous_secret: string | null
          previous_secret_expires_at: string | null
          secret: string
          secret_rotated_at: string | null
          updated_at: string
          url: string
          user_id: string
        }
        Insert: {
          created_at?: string
          description?: string
          disabled_at?: string | null
          disabled_reason?: string | null
          enabled?: boolean
          events: string[]
          id?: string
          previous_secret?: string | null
          previous_secret_expires_at?: string | null
          secret: string
          secret_rotated_at?: string | null
          updated_at?: string
          url: string
          user_id: string
        }
        Update: {
          created_at?: string
          description?: string
          disabled_at?: string | null
          disabled_reason?: string | null
          enabled?: boolean
          events?: string[]
          id?: string
          previous_secret?: string | null
          previous_secret_expires_at?: string | null
          secret?: string
          secret_rotated_at?: string | null
          updated_at?: string
          url?: string
          user_id?: string
        }
        Relationships: []
      }
    }
    Views: {
      api_keys_view: {
        Row: {
          created_at: string | null
          id: string | null
          last_used_at: string | null
          name: string | null
          prefix: string | null
          revoked_at: string | null
          scopes: string[] | null
          user_id: string | null
        }
        Insert: {
          created_at?: string | null
          id?: string | null
          last_used_at?: string | null
          name?: string | null
          prefix?: string | null
          revoked_at?: string | null
          scopes?: string[] | null
          user_id?: string | null
        }
        Update: {
          created_at?: string | null
          id?: string | null
          last_used_at?: string | null
          name?: string | null
          prefix?: string | null
          revoked_at?: string | null
          scopes?: string[] | null
          user_id?: string | null
        }
        Relationships: []
      }
      jobs_view: {
        Row: {
          attempts: number | null
          created_at: string | null
          error: Json | null
          finished_at: string | null
          id: string | null
          kind: string | null
          max_attempts: number | null
          message: string | null
          params: Json | null
          priority: number | null
          progress: number | null
          project: Json | null
          run_after: string | null
          stage: string | null
          started_at: string | null
          status: string | null
          units: number | null
          updated_at: string | null
          user_id: string | null
        }
        Insert: {
          attempts?: number | null
          created_at?: string | null
          error?: Json | null
          finished_at?: string | null
          id?: string | null
          kind?: string | null
          max_attempts?: number | null
          message?: string | null
          params?: Json | null
          priority?: number | null
          progress?: number | null
          project?: Json | null
          run_after?: string | null
          stage?: string | null
          started_at?: string | null
          status?: string | null
          units?: number | null
          updated_at?: string | null
          user_id?: string | null
        }
        Update: {
          attempts?: number | null
          created_at?: string | null
          error?: Json | null
          finished_at?: string | null
          id?: string | null
          kind?: string | null
          max_attempts?: number | null
          message?: string | null
          params?: Json | null
          priority?: number | null
          progress?: number | null
          project?: Json | null
          run_after?: string | null
          stage?: string | null
          started_at?: string | null
          status?: string | null
          units?: number | null
          updated_at?: string | null
          user_id?: string | null
        }
        Relationships: []
      }
      projects_view: {
        Row: {
          created_at: string | null
          default_branch: string | null
          description: string | null
          forked_from_commit: string | null
          forked_from_project: string | null
          genre: string | null
          id: string | null
          name: string | null
          owner_id: string | null
          updated_at: string | null
          visibility: string | null
        }
        Insert: {
          created_at?: string | null
          default_branch?: string | null
          description?: string | null
          forked_from_commit?: string | null
          forked_from_project?: string | null
          genre?: string | null
          id?: string | null
          name?: string | null
          owner_id?: string | null
          updated_at?: string | null
          visibility?: string | null
        }
        Update: {
          created_at?: string | null
          default_branch?: string | null
          description?: string | null
          forked_from_commit?: string | null
          forked_from_project?: string | null
          genre?: string | null
          id?: string | null
          name?: string | null
          owner_id?: string | null
          updated_at?: string | null
          visibility?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "projects_forked_from_project_fkey"
            columns: ["forked_from_project"]
            isOneToOne: false
            referencedRelation: "projects"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "projects_forked_from_project_fkey"
            columns: ["forked_from_project"]
            isOneToOne: false
            referencedRelation: "projects_view"
            referencedColumns: ["id"]
          },
        ]
      }
      webhooks_view: {
        Row: {
          created_at: string | null
          description: string | null
          disabled_at: string | null
          disabled_reason: string | null
          enabled: boolean | null
          events: string[] | null
          id: string | null
          secret_rotated_at: string | null
          updated_at: string | null
          url: string | null
          user_id: string | null
        }
        Insert: {
          created_at?: string | null
          description?: string | null
          disabled_at?: string | null
          disabled_reason?: string | null
          enabled?: boolean | null
          events?: string[] | null
          id?: string | null
          secret_rotated_at?: string | null
          updated_at?: string | null
          url?: string | null
          user_id?: string | null
        }
        Update: {
          created_at?: string | null
          description?: string | null
          disabled_at?: string | null
          disabled_reason?: string | null
          enabled?: boolean | null
          events?: string[] | null
          id?: string | null
          secret_rotated_at?: string | null
          updated_at?: string | null
          url?: string | null
          user_id?: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  soundstage: {
    Enums: {},
  },
} as const

